import { getAttributeValues, type SdpMedia } from './session-description';

/** An RTP payload format as described by `a=rtpmap` (RFC 8866 §6.6) or a static assignment (RFC 3551). */
export interface RtpMap {
  readonly payloadType: number;
  readonly encoding: string;
  readonly clockRate: number;
  readonly channels: number;
}

/** Static payload types of RFC 3551 §6 that a telephony system meets. */
const STATIC: Readonly<Record<number, readonly [string, number]>> = {
  0: ['PCMU', 8000],
  3: ['GSM', 8000],
  4: ['G723', 8000],
  8: ['PCMA', 8000],
  9: ['G722', 8000],
  13: ['CN', 8000],
  18: ['G729', 8000],
};

/** The payload formats of an RTP stream in offer order: rtpmap lines first, static assignments otherwise. */
export function rtpMaps(m: SdpMedia): RtpMap[] {
  const declared = new Map<number, RtpMap>();
  for (const v of getAttributeValues(m.attributes, 'rtpmap')) {
    const r = parseRtpMap(v);
    if (r !== undefined) declared.set(r.payloadType, r);
  }
  const out: RtpMap[] = [];
  for (const f of m.formats) {
    const pt = Number(f);
    if (!Number.isInteger(pt) || pt < 0 || pt > 127) continue;
    const known = declared.get(pt);
    const fixed = STATIC[pt];
    if (known !== undefined) out.push(known);
    else if (fixed !== undefined)
      out.push({ payloadType: pt, encoding: fixed[0], clockRate: fixed[1], channels: 1 });
  }
  return out;
}

/** `<payload type> <encoding name>/<clock rate>[/<channels>]`. */
export function parseRtpMap(value: string): RtpMap | undefined {
  const sp = value.indexOf(' ');
  if (sp <= 0) return undefined;
  const payloadType = Number(value.slice(0, sp));
  const [encoding, rate, channels] = value
    .slice(sp + 1)
    .trim()
    .split('/');
  const clockRate = Number(rate);
  if (!Number.isInteger(payloadType) || !encoding || !Number.isInteger(clockRate) || clockRate <= 0)
    return undefined;
  const ch = channels === undefined ? 1 : Number(channels);
  return Number.isInteger(ch) && ch > 0 ? { payloadType, encoding, clockRate, channels: ch } : undefined;
}

/** The `a=fmtp` parameters of a payload type (RFC 8866 §6.15), if any. */
export function fmtpOf(m: SdpMedia, payloadType: number): string | undefined {
  const prefix = `${payloadType} `;
  for (const v of getAttributeValues(m.attributes, 'fmtp'))
    if (v.startsWith(prefix)) return v.slice(prefix.length).trim();
  return undefined;
}

/** Renders an rtpmap value; channels are written only when not 1, as RFC 8866 §6.6 allows. */
export function serializeRtpMap(r: RtpMap): string {
  return `${r.payloadType} ${r.encoding}/${r.clockRate}${r.channels === 1 ? '' : `/${r.channels}`}`;
}
