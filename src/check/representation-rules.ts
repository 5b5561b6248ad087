import type { Findings } from './findings.ts';
import { isIsoTimestamp } from './iso-time.ts';
import { describeExchange, type Exchange } from './probe-client.ts';

const SNAKE_KEY = /[a-z0-9]_[a-z0-9]/i;
const SECRET_KEY = /passw|hash|secret|salt|api_?key|private_?key/i;
const TOKEN_KEY = /token/i;
// argon2, bcrypt, scrypt and PBKDF2 in their usual encodings.
const HASH_VALUE = /^\$(?:argon2(?:id|i|d)|2[abxy]?|scrypt|pbkdf2[\w-]*)\$/;
const JWT_VALUE = /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*$/;
const TIME_KEY = /(?:At|_at|^timestamp|Date|_date)$/;
// Anything written with a date and a time of day must be ISO 8601.
const LOOKS_LIKE_TIME =
  /^(?:\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}|\d{1,2}\/\d{1,2}\/\d{2,4}|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )/;
const ID_KEY = /^(?:id|.*[a-z]Id|.*_id)$/;
const NOT_AN_ENTITY_ID = /^(?:requestId|request_id|traceId|correlationId)$/;

interface Breach {
  rule:
    | 'representation.snake-case'
    | 'representation.secret-field'
    | 'representation.timestamp'
    | 'representation.sequential-id'
    | 'auth.token-in-body';
  seen: string;
}

function scan(value: unknown, path: string, key: string | undefined, found: Breach[]): void {
  if (typeof value === 'string') {
    if (HASH_VALUE.test(value))
      found.push({ rule: 'representation.secret-field', seen: `${path} holds a password hash` });
    if (JWT_VALUE.test(value)) found.push({ rule: 'auth.token-in-body', seen: `${path} holds a JWT` });
    if ((key !== undefined && TIME_KEY.test(key)) || LOOKS_LIKE_TIME.test(value)) {
      if (!isIsoTimestamp(value))
        found.push({
          rule: 'representation.timestamp',
          seen: `${path} is ${JSON.stringify(value)}, not ISO 8601`,
        });
    }
    if (key !== undefined && ID_KEY.test(key) && !NOT_AN_ENTITY_ID.test(key) && /^\d{1,18}$/.test(value))
      found.push({ rule: 'representation.sequential-id', seen: `${path} is the integer ${value}` });
    return;
  }
  if (typeof value === 'number') {
    if (key !== undefined && TIME_KEY.test(key))
      found.push({
        rule: 'representation.timestamp',
        seen: `${path} is the number ${value}, not an ISO 8601 string`,
      });
    if (key !== undefined && ID_KEY.test(key) && !NOT_AN_ENTITY_ID.test(key) && Number.isInteger(value))
      found.push({ rule: 'representation.sequential-id', seen: `${path} is the integer ${value}` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      scan(item, `${path}[${index}]`, undefined, found);
    });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [name, item] of Object.entries(value)) {
    const at = `${path}.${name}`;
    // error.details is keyed by the fields the client sent and holds messages: it echoes the
    // request (a short `password`), it is not a representation.
    if (path === '$.error' && name === 'details') continue;
    if (SNAKE_KEY.test(name))
      found.push({ rule: 'representation.snake-case', seen: `${at}: snake_case key` });
    if (SECRET_KEY.test(name))
      found.push({ rule: 'representation.secret-field', seen: `${at}: a password, hash or secret field` });
    else if (TOKEN_KEY.test(name) && item !== null && item !== '')
      found.push({ rule: 'auth.token-in-body', seen: `${at}: a token field` });
    scan(item, at, name, found);
  }
}

/** Lists what in one JSON body breaks the representation rules (pure; for tests and the check). */
export function representationBreaches(body: unknown): Breach[] {
  const found: Breach[] = [];
  scan(body, '$', undefined, found);
  return found;
}

const RULES: readonly Breach['rule'][] = [
  'representation.snake-case',
  'representation.secret-field',
  'representation.timestamp',
  'representation.sequential-id',
  'auth.token-in-body',
];

/** Scans every JSON body the check sees, raw documents excepted. */
export function inspectRepresentation(exchange: Exchange, findings: Findings): void {
  if (exchange.raw || !exchange.isJson) return;
  const request = describeExchange(exchange);
  const breaches = representationBreaches(exchange.json);
  for (const rule of RULES) {
    const mine = breaches.filter((breach) => breach.rule === rule);
    if (mine.length === 0) findings.pass(rule, { request, seen: 'clean' });
    for (const breach of mine) findings.fail(rule, { request, seen: breach.seen });
  }
}
