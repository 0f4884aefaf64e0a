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

/** Names accepted in address lists, as proxy-addr (Fastify's `trustProxy`) also knows them. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** One address or CIDR block (`192.0.2.1`, `10.0.0.0/8`, `2001:db8::/32`), or undefined. */
function cidr(entry: string): string | undefined {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return undefined;
  if (prefix === undefined) return address;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128) ? `${address}/${bits}` : undefined;
}

/**
 * A comma-separated list of IP addresses and CIDR blocks, plus the names `loopback`, `linklocal`
 * and `uniquelocal`; `none` (or nothing) is the empty list. Host names are refused: trust must not
 * depend on DNS answers.
 */
export const addressList: ValueParser<readonly string[]> = (raw) => {
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e.toLowerCase() !== 'none');
  const list: string[] = [];
  for (const entry of entries) {
    const named = NAMED_RANGES[entry.toLowerCase()];
    const parsed = named === undefined ? cidr(entry) : undefined;
    if (named === undefined && parsed === undefined) {
      return err(
        `${JSON.stringify(entry)} is not an IP address, a CIDR block or loopback/linklocal/uniquelocal`,
      );
    }
    list.push(...(named ?? [parsed!]));
  }
  return ok(list);
};

/**
 * The reverse proxies that may set `X-Forwarded-*`, as an {@link addressList}; `false`/`off`/`none`
 * is the empty list (trust no proxy: the default). A bare `true` is refused, since it would believe
 * the left-most `X-Forwarded-For` address, which any client writes, and so is a hop count, since it
 * cannot tell a proxy from a client that connects directly (Fastify ignores hop counts for the same
 * reason).
 */
export const trustedProxies: ValueParser<readonly string[]> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['false', 'off', 'no'].includes(v)) return ok([]);
  if (['true', 'yes', 'on', '1'].includes(v) || /^\d+$/.test(v)) {
    return err(
      `${JSON.stringify(raw)} would let clients forge their address: list the proxies' addresses or CIDR blocks (e.g. 10.0.0.0/8,loopback)`,
    );
  }
  return addressList(raw);
};

/** A comma-separated list of web origins (`https://desk.example.com`), normalised to `scheme://host[:port]`. */
export const originList: ValueParser<readonly string[]> = (raw) => {
  const list: string[] = [];
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    let origin: string | undefined;
    try {
      const url = new URL(entry);
      // A bare origin only: a path, query or user name means the value is a URL, not an origin.
      const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
      origin = bare && ['http:', 'https:'].includes(url.protocol) ? url.origin : undefined;
    } catch {
      origin = undefined;
    }
    if (origin === undefined)
      return err(`${JSON.stringify(entry)} is not an origin such as https://desk.example.com`);
    list.push(origin);
  }
  return ok(list);
};
