import type { Uri } from '@switchboard/sip';
import type { CallerId, OriginateRequest, OriginateTarget } from './call-commands';
import type { LegId, LegRole } from './call-events';

/** A phone's blind transfer as the routing side sees it: who refers, who moves, and where to. */
export interface Referral {
  /** The leg whose phone sent the REFER (typically an agent's desk phone). */
  readonly legId: LegId;
  readonly role: LegRole;
  /** The bridged partner that is to be moved (typically the customer). */
  readonly transfereeLegId: LegId;
  /** The caller ID of the transferee (its number as its dialog names it), to present to the target. */
  readonly transferee: CallerId;
  /** The Refer-To URI (RFC 3515 §2.1), e.g. `sip:1002@pbx.example.com` or `tel:+8613912345678`. */
  readonly target: Uri;
  /** The Referred-By value (RFC 3892), when the phone sent one. */
  readonly referredBy?: string;
}

/**
 * Where a referral goes: a leg to originate (an agent's devices, a number through a trunk), or a
 * refusal answered to the REFER with its SIP status (403 not allowed, 404 unknown, 480 unreachable).
 */
export type ReferDecision =
  | { readonly action: 'originate'; readonly request: OriginateRequest }
  | { readonly action: 'refuse'; readonly status: number; readonly reason?: string };

/**
 * The seam that turns a Refer-To into a call, implemented by the voice context (like
 * {@link InboundCallHandler} for inbound calls): it knows whether `1002` is an agent's devices or a
 * number to dial through a trunk, and whether this phone may transfer there at all (toll fraud).
 * It may answer asynchronously; a failure (throw or rejected promise) refuses with 500.
 */
export interface ReferTargetResolver {
  resolveReferTarget(referral: Referral): ReferDecision | Promise<ReferDecision>;
}

/** Refuses every phone transfer: what call control does when no resolver is configured. */
export const REFUSE_REFERRALS: ReferTargetResolver = {
  resolveReferTarget: () => ({ action: 'refuse', status: 603, reason: 'Transfer Not Allowed' }),
};

/**
 * The registrar lookup of {@link registeredExtensionReferTargets}: the devices an extension has
 * registered, most preferred first; `undefined` when there is no such extension (404), empty when
 * it exists but nothing is registered (480).
 */
export interface RegisteredExtensions {
  targetsOf(
    extension: string,
    referral: Referral,
  ): Promise<readonly OriginateTarget[] | undefined> | readonly OriginateTarget[] | undefined;
}

/** Options of {@link registeredExtensionReferTargets}. */
export interface RegisteredExtensionOptions {
  /** Ring timeout of the transfer target; call control's default when absent. */
  readonly ringTimeoutMs?: number;
}

/**
 * The default resolver: the user part of a `sip:`/`sips:` Refer-To (or a `tel:` number) names an
 * extension, whose registered devices ring in parallel with the transferee's caller ID. Anything
 * else — another scheme, no user part — is refused 404, so a phone cannot make the platform dial
 * arbitrary addresses.
 */
export function registeredExtensionReferTargets(
  extensions: RegisteredExtensions,
  options: RegisteredExtensionOptions = {},
): ReferTargetResolver {
  return {
    async resolveReferTarget(referral) {
      const extension = extensionOf(referral.target);
      if (extension === undefined) return { action: 'refuse', status: 404, reason: 'Not Found' };
      const targets = await extensions.targetsOf(extension, referral);
      if (targets === undefined) return { action: 'refuse', status: 404, reason: 'Not Found' };
      if (targets.length === 0) return { action: 'refuse', status: 480, reason: 'Temporarily Unavailable' };
      const request: OriginateRequest = {
        targets,
        callerId: referral.transferee,
        role: 'agent',
        ...(options.ringTimeoutMs === undefined ? {} : { timeoutMs: options.ringTimeoutMs }),
      };
      return { action: 'originate', request };
    },
  };
}

/** The extension a Refer-To names: the user part of a SIP URI, or a tel number (RFC 3966). */
export function extensionOf(uri: Uri): string | undefined {
  if (uri.kind === 'sip') return uri.user === undefined || uri.user.length === 0 ? undefined : uri.user;
  if (uri.kind === 'tel') return uri.number;
  return undefined;
}
