/** The dynamic numbers of one side of a PCMU stream: the audio's and `telephone-event/8000`'s. */
export interface PcmuPayloadTypes {
  readonly payloadType: number;
  readonly telephoneEventPayloadType?: number;
}

/**
 * Payload types between the browser's wire and the leg behind a transport, when the two number
 * the same formats differently. A payload type is only a name the SDP of one session gives a
 * format (RFC 3264 §6.1, RFC 4733 §7.1.1), and a leg outlives its first session: a browser that
 * rejoins offers its own numbers (Chromium: `telephone-event/8000` at 126) while the RTP leg
 * behind the gateway keeps those it was opened with (ours: 101). The leg's numbers are the ones
 * that stay; the browser's are what its latest SDP negotiated.
 *
 * A format one side has and the other lacks is dropped rather than passed on under a number the
 * other side could read as something else; a number neither side negotiated passes unchanged
 * (the leg counts it as unknown).
 */
export class PayloadTypeMap {
  /** Nothing to translate: both sides use the same numbers (every call until a rejoin). */
  readonly identity: boolean;

  constructor(
    private readonly leg: PcmuPayloadTypes,
    private readonly browser: PcmuPayloadTypes,
  ) {
    this.identity =
      leg.payloadType === browser.payloadType &&
      leg.telephoneEventPayloadType === browser.telephoneEventPayloadType;
  }

  /** The leg's number for a packet the browser sent with `payloadType`; undefined to drop it. */
  towardsLeg(payloadType: number): number | undefined {
    return this.identity ? payloadType : translate(payloadType, this.browser, this.leg);
  }

  /** The browser's number for a packet of the leg sent with `payloadType`; undefined to drop it. */
  towardsBrowser(payloadType: number): number | undefined {
    return this.identity ? payloadType : translate(payloadType, this.leg, this.browser);
  }
}

function translate(payloadType: number, from: PcmuPayloadTypes, to: PcmuPayloadTypes): number | undefined {
  if (payloadType === from.payloadType) return to.payloadType;
  if (payloadType === from.telephoneEventPayloadType) return to.telephoneEventPayloadType;
  // Not negotiated by the sender: passed on, unless the receiver would take it for one of its own.
  return payloadType === to.payloadType || payloadType === to.telephoneEventPayloadType
    ? undefined
    : payloadType;
}
