import type { TenantId } from '@switchboard/kernel';
import { getHeader, type HeaderField, type SipRequest } from '@switchboard/sip';
import { aorOf } from '../registrar/binding';
import type { SipAuthenticator } from '../registrar/sip-authenticator';
import { admittingTrunk, trunksFrom, type InboundRule } from './trunk-matching';

/** Why a new INVITE was refused (logged and counted; never told to the caller beyond the status). */
export type RefusalReason =
  /** No trunk matched and no credentials came: challenged (407). */
  | 'challenged'
  /** Credentials for an expired nonce: challenged again with `stale=TRUE`. */
  | 'stale'
  /** Wrong password, unknown user, forged nonce or replay: 403, counted towards a ban. */
  | 'auth-failed'
  /** A trunk's call to a number of no tenant, or of another tenant than the trunk's: 404. */
  | 'trunk-number-unknown'
  /** An authenticated extension dialling a number of no tenant or of another tenant: 404. */
  | 'extension-number-unknown';

/** What the gate decided for one INVITE. */
export type AdmissionVerdict =
  | { readonly kind: 'admit'; readonly via: 'trunk'; readonly tenantId: TenantId; readonly trunkId: string }
  | {
      readonly kind: 'admit';
      readonly via: 'extension';
      readonly tenantId: TenantId;
      readonly username: string;
      /** The extension's address of record (`sip:1001@switchboard`): who the caller proved to be. */
      readonly aor: string;
    }
  | {
      readonly kind: 'refuse';
      readonly status: number;
      readonly reasonPhrase: string;
      readonly why: RefusalReason;
      readonly headers?: readonly HeaderField[];
    };

/** What {@link InviteAdmission} consults. */
export interface InviteAdmissionDeps {
  /** Inbound rules of every enabled trunk, current. */
  readonly rules: () => readonly InboundRule[];
  /** The tenant owning a dialled entry-point number, undefined for none. */
  readonly numberOwner: (dialed: string) => Promise<TenantId | undefined>;
  readonly authenticator: Pick<SipAuthenticator, 'authenticate' | 'challenge'>;
  /** A failed authentication from `address` (feeds the ban list, RFC 3261 §26.1.5). */
  readonly onAuthFailure: (address: string) => void;
}

const NOT_FOUND = { kind: 'refuse', status: 404, reasonPhrase: 'Not Found' } as const;

/**
 * Admission of new INVITEs (outside a dialog) before call control sees them:
 * 1. a source matching an enabled trunk is that trunk: admitted when the dialled number belongs to
 *    the trunk's tenant, 404 otherwise (the same answer as an unknown number, so a carrier cannot
 *    probe other tenants' numbers);
 * 2. anyone else must be an extension proving itself with digest (RFC 3261 §22.3: `407` with
 *    Proxy-Authenticate, SHA-256 and MD5 as for REGISTER); wrong password and unknown user alike get
 *    `403` and count towards the source's ban; an authenticated extension reaches only its own
 *    tenant's numbers (404 otherwise).
 * An INVITE carrying Replaces (RFC 3891) dials no number but names a dialog of ours: it is always an
 * extension's (digest, whatever its source, a trunk's address included), and call control then checks
 * that the dialog's peer is this very extension (§6).
 * The challenge comes before any number lookup, so an unauthenticated caller learns nothing about
 * which numbers exist.
 */
export class InviteAdmission {
  constructor(private readonly deps: InviteAdmissionDeps) {}

  async decide(request: SipRequest, sourceAddress: string): Promise<AdmissionVerdict> {
    const { deps } = this;
    const rules = deps.rules();
    // A takeover names one of our dialogs, not a number: only an extension proving itself may.
    const replaces = getHeader(request, 'Replaces') !== undefined;
    if (!replaces && trunksFrom(rules, sourceAddress).length > 0) {
      const owner = await deps.numberOwner(dialedNumber(request));
      const trunk = owner === undefined ? undefined : admittingTrunk(rules, sourceAddress, owner);
      if (trunk === undefined) return { ...NOT_FOUND, why: 'trunk-number-unknown' };
      return { kind: 'admit', via: 'trunk', tenantId: trunk.tenantId, trunkId: trunk.trunkId };
    }
    // Nonces are bound to the source they were sent to: a captured INVITE fails from elsewhere.
    const source = { address: sourceAddress };
    const auth = await deps.authenticator.authenticate(request, true, source);
    if (auth.kind === 'challenge') {
      return {
        kind: 'refuse',
        status: 407,
        reasonPhrase: 'Proxy Authentication Required',
        why: auth.stale ? 'stale' : 'challenged',
        headers: deps.authenticator.challenge(auth.stale, true, source),
      };
    }
    if (auth.kind === 'failed') {
      deps.onAuthFailure(sourceAddress);
      return { kind: 'refuse', status: 403, reasonPhrase: 'Forbidden', why: 'auth-failed' };
    }
    const { credential } = auth;
    const admitted = {
      kind: 'admit',
      via: 'extension',
      tenantId: credential.tenantId as TenantId,
      username: credential.username,
      aor: aorOf(credential.username, credential.realm),
    } as const;
    if (replaces) return admitted;
    const owner = await deps.numberOwner(dialedNumber(request));
    if (owner !== credential.tenantId) return { ...NOT_FOUND, why: 'extension-number-unknown' };
    return admitted;
  }
}

/**
 * The dialled number as entry points are stored: the Request-URI user (what a trunk routes on), else
 * the To user; `+86`/`0086` and separators dropped, as the voice context reads it.
 */
export function dialedNumber(request: SipRequest): string {
  const userOf = (u: SipRequest['uri']): string =>
    u.kind === 'sip' ? (u.user ?? '') : u.kind === 'tel' ? u.number : '';
  const fromUri = userOf(request.uri);
  const raw = fromUri !== '' ? fromUri : userOf(request.to.uri);
  return raw.replace(/^(\+86|0086)/, '').replace(/[-\s]/g, '');
}
