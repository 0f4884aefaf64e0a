import { err, ok, type Result } from '@switchboard/kernel';
import {
  createParams,
  parseDeltaSeconds,
  serializeNameAddr,
  uriEquals,
  type ContactList,
  type HeaderField,
  type NameAddr,
} from '@switchboard/sip';
import type { SipReply } from '../sip-reply';
import type { Binding, BindingFlow, BindingOwner } from './binding';

/** Expiry limits of the registrar (RFC 3261 §10.2.1.1, §10.3 step 7). */
export interface RegisterPolicy {
  /** Shorter non-zero intervals get `423 Interval Too Brief` with Min-Expires. */
  readonly minExpires: number;
  /** Longer intervals are shortened to this. */
  readonly maxExpires: number;
  /** Used when neither the Contact `expires` parameter nor Expires is given. */
  readonly defaultExpires: number;
  /** Contacts per address of record; the least recently refreshed give way to new ones. */
  readonly maxContactsPerAor: number;
}

/** The facts of one authenticated REGISTER. */
export interface RegisterInput extends BindingOwner {
  readonly aor: string;
  /** Undefined: a query for the current bindings (§10.2.3). */
  readonly contact: ContactList | undefined;
  /** The Expires header value, as received. */
  readonly expires: string | undefined;
  readonly callId: string;
  readonly cseq: number;
  readonly flow: BindingFlow;
  readonly userAgent?: string;
  readonly now: number;
}

/** The bindings after the request, and the Contact header fields for the 200 (§10.3 step 8). */
export interface RegisterOutcome {
  readonly bindings: readonly Binding[];
  readonly contacts: readonly HeaderField[];
}

/**
 * Applies a REGISTER to the owner's live bindings (RFC 3261 §10.3 steps 6–8): `*` with Expires 0
 * removes every binding of the AOR, each Contact is added, refreshed or (expires 0) removed, and an
 * older Call-ID/CSeq never overrides a newer one. Pure: the caller stores the result.
 */
export function applyRegister(
  current: readonly Binding[],
  input: RegisterInput,
  policy: RegisterPolicy,
): Result<RegisterOutcome, SipReply> {
  const others = current.filter((b) => b.aor !== input.aor);
  let mine = current.filter((b) => b.aor === input.aor);
  if (input.contact === '*') {
    if (input.expires === undefined || parseDeltaSeconds(input.expires) !== 0) {
      return err({ status: 400, reason: 'Wildcard Contact Needs Expires 0' });
    }
    mine = mine.filter((b) => b.callId === input.callId && input.cseq < b.cseq);
  } else if (input.contact !== undefined) {
    const updated = applyContacts(mine, input.contact, input, policy);
    if (!updated.ok) return updated;
    mine = updated.value;
  }
  return ok({ bindings: [...others, ...mine], contacts: contactFields(mine, input.now) });
}

function applyContacts(
  mine: readonly Binding[],
  contacts: readonly NameAddr[],
  input: RegisterInput,
  policy: RegisterPolicy,
): Result<Binding[], SipReply> {
  let next = [...mine];
  const headerExpires = input.expires === undefined ? undefined : parseDeltaSeconds(input.expires);
  for (const contact of contacts) {
    const param = contact.params.expires;
    // A malformed interval counts as the default (RFC 3261 §20.19: treat it as 3600).
    const asked =
      (typeof param === 'string' ? parseDeltaSeconds(param) : undefined) ??
      headerExpires ??
      policy.defaultExpires;
    if (asked !== 0 && asked < policy.minExpires) {
      return err({
        status: 423,
        reason: 'Interval Too Brief',
        headers: [{ name: 'Min-Expires', value: String(policy.minExpires) }],
      });
    }
    const existing = next.find((b) => uriEquals(b.contact.uri, contact.uri));
    if (existing !== undefined && existing.callId === input.callId) {
      // The same CSeq again is a retransmission the stateless registrar must answer alike.
      if (input.cseq === existing.cseq) continue;
      if (input.cseq < existing.cseq) return err({ status: 400, reason: 'Out of Order CSeq' });
    }
    next = next.filter((b) => b !== existing);
    if (asked === 0) continue;
    next.push(bindingFor(contact, Math.min(asked, policy.maxExpires), input));
  }
  if (next.length > policy.maxContactsPerAor) {
    next.sort((a, b) => b.updatedAt - a.updatedAt);
    next = next.slice(0, policy.maxContactsPerAor);
  }
  return ok(next);
}

function bindingFor(contact: NameAddr, expires: number, input: RegisterInput): Binding {
  const q = typeof contact.params.q === 'string' ? Number(contact.params.q) : 1;
  return {
    tenantId: input.tenantId,
    userId: input.userId,
    aor: input.aor,
    contact,
    expiresAt: input.now + expires * 1000,
    callId: input.callId,
    cseq: input.cseq,
    q: Number.isFinite(q) && q >= 0 && q <= 1 ? q : 1,
    flow: input.flow,
    ...(input.userAgent === undefined ? {} : { userAgent: input.userAgent }),
    updatedAt: input.now,
  };
}

/** One Contact field per binding with the seconds it has left (RFC 3261 §10.3 step 8). */
export function contactFields(bindings: readonly Binding[], now: number): HeaderField[] {
  return bindings.map((b) => {
    const params = createParams(b.contact.params);
    params.expires = String(Math.max(0, Math.ceil((b.expiresAt - now) / 1000)));
    return { name: 'Contact', value: serializeNameAddr({ ...b.contact, params }) };
  });
}
