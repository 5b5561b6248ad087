import type { Endpoints } from './discovery.ts';
import type { Findings } from './findings.ts';
import type { ProbeClient } from './probe-client.ts';

/** What the probes share during one run. */
export interface CheckContext {
  client: ProbeClient;
  findings: Findings;
  endpoints: Endpoints;
  credentials: { email: string; password: string } | undefined;
  /** The signed-in user, once known. */
  user: { id: string | undefined; displayName: unknown } | undefined;
  /** Names of the cookies the last login set. */
  sessionCookies: string[];
  /** Whether the jar holds a live session. */
  signedIn: boolean;
  notes: string[];
}
