import type { ServerTransaction, SipRequest } from '@switchboard/sip';
import type { BridgeLinks } from './bridge-links';
import type { CallContext } from './call-context';
import type { Leg } from './leg';
import { bodyText } from './sdp-body';
import { reasonPhrase } from './sip-status';

/** A key press carried by SIP INFO. */
export interface DtmfSignal {
  readonly digit: string;
  readonly durationMs?: number;
}

const DIGIT = /^[0-9*#A-Da-d]$/;

/**
 * Reads the DTMF bodies phones and gateways send in INFO (RFC 6086 legacy usage, no Info Package):
 * `application/dtmf-relay` (`Signal=5` and `Duration=160` lines, the Cisco/Asterisk form) and
 * `application/dtmf` (the digit alone). Signal 10 and 11 are `*` and `#` in some devices.
 */
export function parseDtmfInfo(contentType: string | undefined, body: string): DtmfSignal | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/dtmf') return digitOf(body.trim());
  if (type !== 'application/dtmf-relay') return undefined;
  const fields = new Map<string, string>();
  for (const line of body.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const signal = digitOf(fields.get('signal') ?? '');
  if (signal === undefined) return undefined;
  const duration = Number(fields.get('duration'));
  return Number.isFinite(duration) && duration > 0 ? { ...signal, durationMs: duration } : signal;
}

function digitOf(text: string): DtmfSignal | undefined {
  if (text === '10') return { digit: '*' };
  if (text === '11') return { digit: '#' };
  return DIGIT.test(text) ? { digit: text.toUpperCase() } : undefined;
}

/**
 * INFO inside a leg's dialog: a DTMF body is acknowledged 200, reported as `DtmfReceived`, and
 * (by default) relayed to the bridged leg as the same INFO so a far-end IVR hears it too. Other
 * bodies get 415 with the types we accept (RFC 3261 §21.4.13). RFC 4733 events stay in media.
 */
export class DtmfRelay {
  constructor(
    private readonly ctx: CallContext,
    private readonly links: BridgeLinks,
    private readonly relay: boolean,
  ) {}

  receive(leg: Leg, request: SipRequest, tx: ServerTransaction): void {
    const body = bodyText(request);
    const signal = parseDtmfInfo(request.contentType, body);
    if (signal === undefined) {
      const known = /dtmf/i.test(request.contentType ?? '');
      const status = known ? 400 : 415;
      const headers = known ? [] : [{ name: 'Accept', value: 'application/dtmf-relay, application/dtmf' }];
      this.ctx.core.respond(tx, status, reasonPhrase(status), { headers });
      return;
    }
    this.ctx.core.respond(tx, 200, 'OK');
    this.ctx.emit({ type: 'DtmfReceived', legId: leg.id, at: this.ctx.clock.now(), ...signal });
    const partner = this.links.partnerOf(leg);
    if (!this.relay || partner?.dialog === undefined || partner.dialog.state !== 'confirmed') return;
    this.ctx.core.sendRequest(partner.dialog, 'INFO', { body, contentType: request.contentType });
  }
}
