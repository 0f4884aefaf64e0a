import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { unbracketHost } from '@switchboard/sip';
import type { HostPort, Trunk, TrunkInput, TrunkOutbound, TrunkProvider } from './trunk';

/** Rejection codes of trunk administration (mapped to HTTP in `http/problem-status.ts`). */
export const TrunkCode = {
  INVALID: 'TRUNKS.INVALID_TRUNK',
  NOT_FOUND: 'TRUNKS.TRUNK_NOT_FOUND',
  NAME_TAKEN: 'TRUNKS.NAME_TAKEN',
} as const;

/** A change to a trunk: omitted fields stay; `null` clears an optional setting. */
export interface TrunkPatch {
  readonly name?: string;
  readonly enabled?: boolean;
  readonly admission?: TrunkInput['admission'];
  readonly allowedAddresses?: readonly string[];
  readonly provider?: TrunkProvider | null;
  readonly outboundProxy?: HostPort | null;
  /** Without `password`, the stored one is kept (the API never shows it, so clients cannot echo it). */
  readonly account?: { readonly username: string; readonly password?: string } | null;
  readonly registerExpires?: number;
  readonly outbound?: Partial<TrunkOutbound>;
  readonly keepaliveSeconds?: number;
}

/** The trunk `existing` becomes with `patch` applied (not yet validated). */
export function applyTrunkPatch(existing: Trunk, patch: TrunkPatch): TrunkInput {
  const pick = <K extends keyof TrunkInput>(key: K): TrunkInput[K] | undefined => {
    const value = (patch as Record<string, unknown>)[key];
    if (value === null) return undefined;
    return (value === undefined ? existing[key] : value) as TrunkInput[K];
  };
  const account =
    patch.account === undefined
      ? existing.account
      : patch.account === null
        ? undefined
        : {
            username: patch.account.username,
            password: patch.account.password ?? existing.account?.password ?? '',
          };
  return {
    name: patch.name ?? existing.name,
    enabled: patch.enabled ?? existing.enabled,
    admission: patch.admission ?? existing.admission,
    allowedAddresses: patch.allowedAddresses ?? existing.allowedAddresses,
    ...optional('provider', pick('provider')),
    ...optional('outboundProxy', pick('outboundProxy')),
    ...optional('account', account),
    registerExpires: patch.registerExpires ?? existing.registerExpires,
    outbound: { ...existing.outbound, ...patch.outbound },
    keepaliveSeconds: patch.keepaliveSeconds ?? existing.keepaliveSeconds,
  };
}

/** One invalid field, as the problem document's `errors` member lists them. */
interface FieldProblem {
  readonly in: 'body';
  readonly field: string;
  readonly pointer: string;
  readonly message: string;
}

/**
 * Checks what the HTTP schema cannot: addresses and CIDR blocks, host names, caller-ID numbers, and
 * the settings each admission needs. Every problem is named (`TRUNKS.INVALID_TRUNK`, 422).
 */
export function validateTrunk(input: TrunkInput): Result<TrunkInput, Rejection> {
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string): void => {
    problems.push({ in: 'body', field, pointer: `/${field.replace(/\./g, '/')}`, message });
  };
  if (input.name.trim() === '') problem('name', 'must not be blank');
  input.allowedAddresses.forEach((a, i) => {
    if (!isAddressOrCidr(a)) problem(`allowedAddresses.${i}`, `"${a}" is not an IP address or CIDR block`);
  });
  if (input.admission === 'ip' && input.allowedAddresses.length === 0)
    problem('allowedAddresses', 'an IP-admitted trunk needs at least one address or CIDR block');
  if (input.admission === 'registration') {
    if (input.provider === undefined) problem('provider', 'a registering trunk needs the provider address');
    if (input.account === undefined || input.account.password === '')
      problem('account', 'a registering trunk needs the account user name and password');
  }
  if (input.provider !== undefined && !isHost(input.provider.host))
    problem('provider.host', `"${input.provider.host}" is not a host name or IP address`);
  const tls = input.provider?.tls;
  if (tls !== undefined && input.provider?.transport !== 'tls')
    problem('provider.tls', 'applies to transport tls only');
  if (tls?.ca !== undefined) {
    const why = certificateProblem(tls.ca);
    if (why !== undefined) problem('provider.tls.ca', why);
  }
  if (input.outboundProxy !== undefined && !isHost(input.outboundProxy.host))
    problem('outboundProxy.host', `"${input.outboundProxy.host}" is not a host name or IP address`);
  if (input.outboundProxy !== undefined && input.provider === undefined)
    problem('outboundProxy', 'an outbound proxy needs a provider to reach through it');
  if (input.account !== undefined && !/^[^\s"\\:@]{1,128}$/.test(input.account.username))
    problem('account.username', 'must be 1-128 characters without spaces, quotes, ":" or "@"');
  const { defaultCallerId, allowedCallerIds } = input.outbound;
  if (defaultCallerId !== undefined && !isPhoneNumber(defaultCallerId))
    problem('outbound.defaultCallerId', `"${defaultCallerId}" is not a phone number`);
  allowedCallerIds.forEach((n, i) => {
    if (!isPhoneNumber(n)) problem(`outbound.allowedCallerIds.${i}`, `"${n}" is not a phone number`);
  });
  if (input.keepaliveSeconds !== 0 && input.keepaliveSeconds < 10)
    problem('keepaliveSeconds', 'must be 0 (off) or at least 10');
  if (problems.length === 0) return ok(input);
  const summary = problems.map((p) => `${p.field} ${p.message}`).join('; ');
  return err(rejection(TrunkCode.INVALID, `Invalid trunk: ${summary}`, { errors: problems }));
}

/** An IPv4/IPv6 address, or one with a prefix length that fits its family (`10.0.0.0/8`). */
export function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A DNS name (RFC 1123 labels) or an IP literal, IPv6 with or without brackets. */
export function isHost(host: string): boolean {
  if (isIP(unbracketHost(host)) !== 0) return true;
  if (host.length > 253) return false;
  return host.split('.').every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** Why `pem` is not a list of PEM certificates (a CA bundle), or undefined when it is one. */
export function certificateProblem(pem: string): string | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return 'must hold PEM certificates (-----BEGIN CERTIFICATE-----)';
  for (const [i, block] of blocks.entries()) {
    try {
      void new X509Certificate(block);
    } catch (error) {
      return `certificate ${i + 1} cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return undefined;
}

/** Digits with an optional leading `+`: the E.164 or national form of a caller-ID number. */
export function isPhoneNumber(value: string): boolean {
  return /^\+?\d{3,20}$/.test(value);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
