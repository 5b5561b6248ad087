import { useEffect, useState } from 'preact/hooks';

/** The signed-in user, as `GET /api/auth/me` gives it. */
export interface Me {
  id: string;
  email: string;
  displayName?: string;
  role: string;
}

type Listener = () => void;
const listeners = new Set<Listener>();
let me: Me | null = null;
let online = typeof navigator === 'undefined' ? true : navigator.onLine;

function notify(): void {
  for (const listener of listeners) listener();
}

/** Sets the signed-in user (null: signed out). */
export function setMe(user: Me | null): void {
  me = user;
  notify();
}

/** The signed-in user right now. */
export function getMe(): Me | null {
  return me;
}

/** Marks the network as down (a call came back offline) or up. */
export function setOnline(value: boolean): void {
  if (online === value) return;
  online = value;
  notify();
}

addEventListener('online', () => setOnline(true));
addEventListener('offline', () => setOnline(false));

/** The signed-in user and whether the network is up, re-rendering on change. */
export function useSession(): { me: Me | null; online: boolean } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((value) => value + 1);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return { me, online };
}

/** Whether the signed-in user may change an item: admins may, and owners (the item is them, or is theirs). */
export function mayChange(user: Me | null, item: Record<string, unknown> | null, resource: string): boolean {
  if (!user || !item) return false;
  if (user.role === 'admin') return true;
  if (resource === 'users') return item.id === user.id;
  return ['userId', 'ownerId', 'authorId', 'createdBy'].some((field) => item[field] === user.id);
}
