import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';

/** The sixteen DTMF keys. */
export type DtmfDigit =
  '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** Events this package sends and understands: DTMF and hook flash (RFC 4733 §3.2). */
export type TelephoneEventName = DtmfDigit | 'flash';

const NAMES: readonly TelephoneEventName[] = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '*',
  '#',
  'A',
  'B',
  'C',
  'D',
  'flash',
];

/** The RFC 4733 event code of a name: 0–9, * = 10, # = 11, A–D = 12–15, flash = 16. */
export function telephoneEventCode(name: TelephoneEventName): number {
  return NAMES.indexOf(name);
}

/** The name of an event code, or `undefined` for codes outside the DTMF table (tones, trunk events). */
export function telephoneEventName(code: number): TelephoneEventName | undefined {
  return NAMES[code];
}

/**
 * The 4-byte telephone-event payload (RFC 4733 §2.3):
 *
 * ```
 * |     event     |E|R| volume    |          duration             |
 * ```
 * `volume` is the power level in −dBm0 (0–63); `duration` is in timestamp units since the event's
 * RTP timestamp.
 */
export interface TelephoneEvent {
  readonly event: number;
  readonly end: boolean;
  readonly volume: number;
  readonly duration: number;
}

/** Payload bytes of one event. */
export const TELEPHONE_EVENT_BYTES = 4;

/**
 * Decodes the first event of a payload. Payloads longer than 4 bytes (RFC 4733 §2.5.1 packs
 * redundant events back to back) are read for their first block only, which is the current event.
 */
export function decodeTelephoneEvent(payload: Uint8Array): Result<TelephoneEvent, Rejection> {
  if (payload.length < TELEPHONE_EVENT_BYTES)
    return err(
      rejection('MEDIA.DTMF_TRUNCATED', 'telephone-event payload shorter than 4 bytes', {
        length: payload.length,
      }),
    );
  return ok({
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  });
}

/** Encodes one event; the reserved R bit is sent as 0 (§2.3). */
export function encodeTelephoneEvent(event: TelephoneEvent): Uint8Array {
  const duration = Math.max(0, Math.min(0xffff, Math.round(event.duration)));
  return Uint8Array.of(
    event.event & 0xff,
    (event.end ? 0x80 : 0) | (event.volume & 0x3f),
    duration >> 8,
    duration & 0xff,
  );
}
