import { isIP } from 'node:net';
import { err, ok, type Result } from '@switchboard/kernel';

/** Turns one raw setting (from a flag or the environment) into a typed value, or says why not. */
export type ValueParser<T> = (raw: string) => Result<T, string>;

const PORT_HINT = 'an integer port number from 1 to 65535';

/** An integer within `[min, max]`; rejects `12abc`, `1.5` and blanks, which `parseInt` would accept. */
export function integer(min: number, max: number, hint?: string): ValueParser<number> {
  return (raw) => {
    const trimmed = raw.trim();
    const n = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      return err(`${JSON.stringify(raw)} is not ${hint ?? `an integer from ${min} to ${max}`}`);
    }
    return ok(n);
  };
}

/**
 * A TCP/UDP port. 0 (let the OS choose) is refused: operators, firewalls and the SIP peers that later
 * connect to these ports all need to know the number in advance.
 */
export const port: ValueParser<number> = integer(1, 65535, PORT_HINT);

/** `true/false`, `1/0`, `yes/no`, `on/off`, case-insensitive. */
export const boolean: ValueParser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return ok(true);
  if (['false', '0', 'no', 'off'].includes(v)) return ok(false);
  return err(`${JSON.stringify(raw)} is not a boolean (true/false, 1/0, yes/no, on/off)`);
};

/** One of a closed list of words, case-insensitive. */
export function oneOf<const T extends string>(choices: readonly T[]): ValueParser<T> {
  return (raw) => {
    const v = raw.trim().toLowerCase();
    const found = choices.find((c) => c === v);
    return found === undefined
      ? err(`${JSON.stringify(raw)} is not one of ${choices.join(', ')}`)
      : ok(found);
  };
}

/** A non-blank string of at least `minLength` characters. */
export function text(minLength = 1): ValueParser<string> {
  return (raw) =>
    raw.trim().length >= minLength
      ? ok(raw.trim())
      : err(minLength <= 1 ? 'must not be empty' : `must be at least ${minLength} characters long`);
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An IP literal or a DNS host name to bind to. */
export const host: ValueParser<string> = (raw) => {
  const v = raw.trim();
  return isIP(v) !== 0 || HOSTNAME.test(v)
    ? ok(v)
    : err(`${JSON.stringify(raw)} is not an IP address or host name`);
};

/** A `postgres://` or `postgresql://` URL; the message never echoes it because it may hold a password. */
export const postgresUrl: ValueParser<string> = (raw) => {
  const v = raw.trim();
  let parsed: URL | undefined;
  try {
    parsed = new URL(v);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !['postgres:', 'postgresql:'].includes(parsed.protocol) || !parsed.hostname) {
    return err('is not a PostgreSQL URL (postgres://user:password@host:5432/database)');
  }
  return ok(v);
};

/** Hides the password of a database URL so the URL can be logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '***';
  }
}
