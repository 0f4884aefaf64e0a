import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import type { CallerId } from '../../calls';
import { formatNumber, sameNumber } from './dial-number';
import type { TrunkOutbound } from './trunk';

/** What the caller of a trunk route asks to present: a number, withheld, or the trunk's default. */
export type CallerIdRequest = string | 'withheld' | undefined;

/** Why the presented caller ID is not the one asked for. */
export type CallerIdSubstitution = 'not-allowed' | 'withheld-not-supported';

/** The caller ID to render, and what replaced the requested one when it could not be used. */
export interface CallerIdChoice {
  readonly callerId: CallerId;
  readonly substituted?: CallerIdSubstitution;
}

/** No default caller ID and nothing usable asked for: the carrier would refuse the call anyway. */
export const NO_CALLER_ID = 'TRUNKS.NO_CALLER_ID';

/**
 * Applies a trunk's caller-ID rules (carriers in China refuse, or rewrite, numbers not assigned to
 * the account):
 * - a requested number is presented only when it is the default DID or on the allowed list
 *   (compared however it is written); otherwise the default DID is;
 * - withheld becomes an anonymous From with `Privacy: id` (RFC 3323 §4.1.1.3) when the trunk
 *   supports privacy, the default DID otherwise;
 * - with `assertIdentity`, P-Asserted-Identity carries the real number (RFC 3325 §9.1), also for a
 *   withheld call: the carrier removes it at its trust boundary as `Privacy: id` asks (§9.3).
 * Numbers are written in the trunk's dial format; `host` is the From host (the provider's domain).
 */
export function chooseCallerId(
  rules: TrunkOutbound,
  requested: CallerIdRequest,
  host: string,
): Result<CallerIdChoice, Rejection> {
  const fallback = rules.defaultCallerId;
  let number: string | undefined;
  let substituted: CallerIdSubstitution | undefined;
  let withheld = false;
  if (requested === undefined) number = fallback;
  else if (requested === 'withheld') {
    withheld = rules.privacyForWithheld;
    number = fallback;
    if (!withheld) substituted = 'withheld-not-supported';
  } else if (isAllowed(rules, requested)) number = requested;
  else {
    number = fallback;
    substituted = 'not-allowed';
  }
  if (number === undefined) {
    return err(
      rejection(NO_CALLER_ID, 'The trunk has no default caller ID and the requested one may not be used', {
        requested: requested ?? null,
      }),
    );
  }
  const formatted = formatNumber(number, rules.dialFormat);
  if (!formatted.ok) return formatted;
  const callerId: CallerId = {
    number: formatted.value,
    host,
    ...(rules.assertIdentity ? { assertedIdentity: `sip:${formatted.value}@${host}` } : {}),
    ...(withheld ? { withheld: true } : {}),
  };
  return ok(substituted === undefined ? { callerId } : { callerId, substituted });
}

function isAllowed(rules: TrunkOutbound, number: string): boolean {
  const candidates = [
    ...rules.allowedCallerIds,
    ...(rules.defaultCallerId === undefined ? [] : [rules.defaultCallerId]),
  ];
  return candidates.some((allowed) => sameNumber(allowed, number));
}
