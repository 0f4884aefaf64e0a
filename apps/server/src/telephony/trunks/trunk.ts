/**
 * The SIP trunk model: a tenant's connection to a carrier. Inbound calls from it are admitted by
 * the source address (an IP allow-list, or the provider we register with); outbound calls leave
 * through its provider with its dial format and caller-ID rules.
 */
import type { TenantId } from '@switchboard/kernel';

/** How the trunk's inbound INVITEs are recognised. */
export type TrunkAdmission = 'ip' | 'registration';

/** The transport towards the provider (RFC 3261 §18, §26.2: `tls` for `sip:…;transport=tls`). */
export type TrunkTransport = 'udp' | 'tcp' | 'tls';

/**
 * How numbers are written in the Request-URI and caller ID: E.164 (`+8613800138000`, RFC 3966 §5.1.4)
 * or the national form (`13800138000`, `01012345678`) that many Chinese carriers expect.
 */
export type DialFormat = 'e164' | 'national';

/** A host (name or IP literal) and port. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * How the provider's TLS certificate is checked (RFC 5922 §7): it must name the provider's host (or
 * the outbound proxy's, when one is set) and be signed by `ca`, or by a CA the system trusts.
 */
export interface TrunkTls {
  /** False accepts any certificate (labs); the connection is still encrypted. */
  readonly verify: boolean;
  /** PEM certificates of the CA(s) that sign the carrier's certificate, instead of the system's. */
  readonly ca?: string;
}

/** The carrier's SIP server. */
export interface TrunkProvider extends HostPort {
  readonly transport: TrunkTransport;
  /** Over `tls` only; absent means verify against the system's CAs. */
  readonly tls?: TrunkTls;
}

/** The account we hold at the provider: REGISTER and challenged INVITEs answer with it (RFC 3261 §22.2). */
export interface TrunkAccount {
  readonly username: string;
  readonly password: string;
}

/** Caller-ID and numbering rules of calls leaving through the trunk. */
export interface TrunkOutbound {
  readonly dialFormat: DialFormat;
  /** The number presented when the requested one is not allowed: the tenant's DID. */
  readonly defaultCallerId?: string;
  /** Numbers the trunk may present besides the default (the carrier refuses others). */
  readonly allowedCallerIds: readonly string[];
  /** Send P-Asserted-Identity (RFC 3325 §9.1); only towards a carrier in our trust domain. */
  readonly assertIdentity: boolean;
  /** Honour a withheld caller ID with an anonymous From and `Privacy: id` (RFC 3323, RFC 3325 §9.3). */
  readonly privacyForWithheld: boolean;
}

/** A stored trunk; its password never leaves the server (see {@link TrunkView}). */
export interface Trunk {
  readonly id: string;
  readonly tenantId: TenantId;
  readonly name: string;
  readonly enabled: boolean;
  readonly admission: TrunkAdmission;
  /** Addresses and CIDR blocks whose INVITEs are this trunk's (`ip` admission). */
  readonly allowedAddresses: readonly string[];
  /** Where REGISTER, OPTIONS and outbound INVITEs go; required for `registration` admission. */
  readonly provider?: TrunkProvider;
  /** Sends requests there instead of the provider's address (RFC 3261 §8.1.2 outbound proxy). */
  readonly outboundProxy?: HostPort;
  readonly account?: TrunkAccount;
  /** Registration lifetime asked for, in seconds (RFC 3261 §10.2.1.1). */
  readonly registerExpires: number;
  readonly outbound: TrunkOutbound;
  /** OPTIONS to the provider every this many seconds; 0 turns the keepalive off. */
  readonly keepaliveSeconds: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What an admin writes when creating a trunk; see `trunk-schemas.ts` for the HTTP shape. */
export interface TrunkInput {
  readonly name: string;
  readonly enabled: boolean;
  readonly admission: TrunkAdmission;
  readonly allowedAddresses: readonly string[];
  readonly provider?: TrunkProvider;
  readonly outboundProxy?: HostPort;
  readonly account?: TrunkAccount;
  readonly registerExpires: number;
  readonly outbound: TrunkOutbound;
  readonly keepaliveSeconds: number;
}

/** Defaults of the optional settings. */
export const TRUNK_DEFAULTS = {
  registerExpires: 3600,
  keepaliveSeconds: 30,
  port: 5060,
  /** The default port of SIP over TLS (RFC 3261 §19.1.2). */
  tlsPort: 5061,
  transport: 'udp',
} as const;

/** The provider port when none is given: 5061 over TLS, 5060 otherwise. */
export function defaultProviderPort(transport: TrunkTransport): number {
  return transport === 'tls' ? TRUNK_DEFAULTS.tlsPort : TRUNK_DEFAULTS.port;
}

/** A trunk as the API shows it: the account's password is replaced by whether one is set. */
export interface TrunkView extends Omit<Trunk, 'account' | 'tenantId' | 'allowedAddresses' | 'outbound'> {
  readonly allowedAddresses: string[];
  readonly outbound: Omit<TrunkOutbound, 'allowedCallerIds'> & { readonly allowedCallerIds: string[] };
  readonly account?: { readonly username: string; readonly passwordSet: boolean };
}

/** The API view of a trunk. */
export function trunkView(trunk: Trunk): TrunkView {
  const { account, tenantId: _tenant, allowedAddresses, outbound, ...rest } = trunk;
  const view = {
    ...rest,
    allowedAddresses: [...allowedAddresses],
    outbound: { ...outbound, allowedCallerIds: [...outbound.allowedCallerIds] },
  };
  return account === undefined
    ? view
    : { ...view, account: { username: account.username, passwordSet: account.password !== '' } };
}
