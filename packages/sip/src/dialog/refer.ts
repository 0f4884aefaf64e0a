import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import { parseNameAddr, serializeNameAddr, type NameAddr } from '../header/name-addr';
import type { HeaderField } from '../message/header-field';
import { getHeader, getHeaderLines, type SipRequest } from '../message/sip-message';
import type { Uri } from '../uri/uri';
import type { Dialog } from './dialog';
import { parseReplaces, serializeReplaces, type Replaces } from './replaces';

/** A parsed Refer-To (RFC 3515 §2.1): where to send the new INVITE, and the dialog it replaces if any. */
export interface ReferTo {
  readonly target: NameAddr;
  /** From `?Replaces=` in the URI: attended transfer (RFC 5589 §7, RFC 3891). */
  readonly replaces?: Replaces;
}

/**
 * Reads Refer-To from a REFER. A REFER without exactly one Refer-To value gets 400 (RFC 3515
 * §2.4.1); so does one whose Replaces (RFC 3891 §6.1) is malformed. The rejection messages are
 * short enough to be the reason phrase of that 400.
 */
export function parseReferTo(request: SipRequest): Result<ReferTo, Rejection> {
  const lines = getHeaderLines(request, 'Refer-To');
  if (lines.length === 0) return reject('SIP.BAD_REFER', 'Missing Refer-To Header');
  if (lines.length > 1) return reject('SIP.BAD_REFER', 'Multiple Refer-To Headers');
  const addr = parseNameAddr(lines[0]!);
  if (!addr.ok) return reject('SIP.BAD_REFER', 'Malformed Refer-To Header', { value: lines[0] });
  const uri = addr.value.uri;
  if (uri.kind !== 'sip') return ok({ target: addr.value });
  const header = uri.headers.find((h) => h.name.toLowerCase() === 'replaces');
  if (header === undefined) return ok({ target: addr.value });
  const replaces = parseReplaces(header.value);
  if (!replaces.ok) return reject('SIP.BAD_REFER', 'Malformed Replaces in Refer-To', { value: header.value });
  // The INVITE goes to the URI without its Replaces header, which travels as a header of its own.
  const target: NameAddr = {
    ...addr.value,
    uri: { ...uri, headers: uri.headers.filter((h) => h !== header) },
  };
  return ok({ target, replaces: replaces.value });
}

/**
 * Whether the REFER asks for the implicit subscription: true unless it carries `Refer-Sub: false`
 * (RFC 4488 §4). The recipient honouring `false` says so in its 2xx with {@link NO_REFER_SUB}.
 */
export function wantsReferSubscription(request: SipRequest): boolean {
  return getHeader(request, 'Refer-Sub')?.trim().toLowerCase() !== 'false';
}

/** The header of a 2xx to a REFER whose `Refer-Sub: false` was honoured (RFC 4488 §4). */
export const NO_REFER_SUB: HeaderField = Object.freeze({ name: 'Refer-Sub', value: 'false' });

/** The Refer-To value for `target`, with the Replaces of an attended transfer escaped into the URI. */
export function serializeReferTo(target: Uri, replaces?: Replaces): string {
  if (replaces === undefined || target.kind !== 'sip') return serializeNameAddr({ uri: target, params: {} });
  const uri = {
    ...target,
    headers: [...target.headers, { name: 'Replaces', value: serializeReplaces(replaces) }],
  };
  return serializeNameAddr({ uri, params: {} });
}

/** What a NOTIFY of the refer event carries (RFC 3515 §2.4.5). */
export interface NotifyContent {
  readonly headers: readonly HeaderField[];
  readonly contentType: string;
  readonly body: string;
}

/** Options of {@link createRefer}. */
export interface ReferOptions {
  readonly branch: string;
  readonly replaces?: Replaces;
  /** Referred-By (RFC 3892), usually our own address of record. */
  readonly referredBy?: string;
  readonly headers?: readonly HeaderField[];
}

/** A REFER inside `dialog` (RFC 3515 §2.4): blind transfer, or attended with `replaces` (RFC 5589). */
export function createRefer(
  dialog: Dialog,
  target: Uri,
  options: ReferOptions,
): Result<SipRequest, Rejection> {
  const headers: HeaderField[] = [{ name: 'Refer-To', value: serializeReferTo(target, options.replaces) }];
  if (options.referredBy !== undefined) headers.push({ name: 'Referred-By', value: options.referredBy });
  return dialog.createRequest('REFER', {
    branch: options.branch,
    headers: [...headers, ...(options.headers ?? [])],
  });
}

/** A `message/sipfrag` body reporting a status line (RFC 3420, RFC 3515 §2.4.5). */
export function sipfrag(status: number, reason: string): string {
  return `SIP/2.0 ${status} ${reason.replace(/[\r\n]+/g, ' ')}\r\n`;
}

/** Parses the status code of a sipfrag body, for the transferor watching the transfer's progress. */
export function sipfragStatus(body: string | Uint8Array): number | undefined {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const m = /^SIP\/2\.0 (\d{3})/.exec(text);
  return m === null ? undefined : Number(m[1]);
}

/**
 * The implicit subscription a REFER creates at its recipient (RFC 3515 §2.4.4): NOTIFYs carry the
 * progress of the new call as sipfrag, `Event: refer;id=<REFER CSeq>`, and the subscription ends
 * with the NOTIFY of a final status.
 */
export class ReferSubscription {
  private done = false;

  constructor(
    private readonly dialog: Dialog,
    /** CSeq number of the REFER, the `id` of the event (§2.4.6). */
    readonly referSeq: number,
    private readonly expiresSeconds = 60,
  ) {}

  get terminated(): boolean {
    return this.done;
  }

  /**
   * Headers and body of the NOTIFY reporting `status`, for `UserAgentCore.sendRequest(dialog,
   * 'NOTIFY', …)`; a final status ends the subscription (§2.4.5). Refused once it has ended.
   */
  notifyContent(status: number, reason: string): Result<NotifyContent, Rejection> {
    if (this.done) return reject('SIP.SUBSCRIPTION_TERMINATED', 'The refer subscription has ended');
    const final = status >= 200;
    if (final) this.done = true;
    const state = final ? 'terminated;reason=noresource' : `active;expires=${this.expiresSeconds}`;
    return ok({
      headers: [
        { name: 'Event', value: `refer;id=${this.referSeq}` },
        { name: 'Subscription-State', value: state },
      ],
      contentType: 'message/sipfrag;version=2.0',
      body: sipfrag(status, reason),
    });
  }

  /** The NOTIFY request itself, built in the dialog with the given branch. */
  notify(status: number, reason: string, branch: string): Result<SipRequest, Rejection> {
    const content = this.notifyContent(status, reason);
    if (!content.ok) return content;
    return this.dialog.createRequest('NOTIFY', { ...content.value, branch });
  }
}
