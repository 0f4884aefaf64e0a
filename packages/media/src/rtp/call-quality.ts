/**
 * A leg's call quality when it ends, from what RTP and RTCP measured: packet loss and
 * interarrival jitter both ways (ours from our reception statistics, the far end's from its last
 * RTCP report about us, RFC 3550 §6.4) and the round trip, each direction scored as a MOS by
 * ITU-T G.107's E-model. Supervisors and reports read the score; the figures say why.
 */

/** What we measured receiving from the far end (RFC 3550 §A.3, §A.8). */
export interface ReceivedFigures {
  readonly packetsReceived: number;
  readonly packetsExpected: number;
  readonly cumulativeLost: number;
  readonly jitterMs: number;
}

/** The far end's last report on what it received from us (RFC 3550 §6.4.1). */
export interface FarEndFigures {
  readonly cumulativeLost: number;
  readonly jitterMs: number;
  /** From LSR/DLSR, when the report answered one of our sender reports. */
  readonly roundTripMs: number | undefined;
}

/** One direction of a leg's audio. */
export interface DirectionQuality {
  /** Packets lost, as a percentage of those expected (0–100). */
  readonly lossPct: number;
  readonly jitterMs: number;
  /** Listening quality, 1–4.5 (E-model, G.711 with loss concealment). */
  readonly mos: number;
}

/** A leg's quality: `inbound` is what we heard from the far end, `outbound` what it heard of us. */
export interface CallQuality {
  readonly packetsReceived: number;
  readonly packetsLost: number;
  readonly inbound: DirectionQuality;
  /** Absent when the far end sent no RTCP report about us. */
  readonly outbound: DirectionQuality | null;
  readonly roundTripMs: number | null;
}

/** G.107's default basic signal-to-noise ratio less simultaneous impairments (R0 − Is). */
const R_BASE = 93.2;
/** G.113 Appendix I: packet-loss robustness of G.711 with concealment (Bpl); its Ie is 0. */
const G711_BPL = 25.1;
/** One 20 ms packet of audio, gathered before it is sent. */
const PACKETIZATION_MS = 20;

/**
 * G.107's MOS for a G.711 call with random loss `lossPct`, its jitter absorbed by a buffer of
 * twice `jitterMs`, and `oneWayMs` in the network. Delay impairment Id after Cole and Rosenbluth's
 * fit of G.107 (0.024·d, plus 0.11·(d − 177.3) beyond 177.3 ms); equipment impairment
 * Ie,eff = 95·Ppl / (Ppl + Bpl) (BurstR 1).
 */
export function g711Mos(lossPct: number, jitterMs: number, oneWayMs: number): number {
  const delay = PACKETIZATION_MS + 2 * jitterMs + oneWayMs;
  const id = 0.024 * delay + (delay > 177.3 ? 0.11 * (delay - 177.3) : 0);
  const loss = Math.min(100, Math.max(0, lossPct));
  const ieEff = (95 * loss) / (loss + G711_BPL);
  const r = R_BASE - id - ieEff;
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/**
 * The quality of a leg that sent `packetsSent` and received as `received` says; `farEnd` is the
 * far end's last report about us, if it sent one. Figures are rounded for storage: loss to 0.01 %,
 * jitter and round trip to 0.1 ms, MOS to 0.01.
 */
export function callQuality(
  received: ReceivedFigures,
  packetsSent: number,
  farEnd: FarEndFigures | undefined,
): CallQuality {
  const roundTripMs = farEnd?.roundTripMs;
  const oneWayMs = roundTripMs === undefined ? 0 : roundTripMs / 2;
  const lost = Math.max(0, received.cumulativeLost);
  const direction = (lossPct: number, jitterMs: number): DirectionQuality => ({
    lossPct: round(lossPct, 100),
    jitterMs: round(jitterMs, 10),
    mos: round(g711Mos(lossPct, jitterMs, oneWayMs), 100),
  });
  return {
    packetsReceived: received.packetsReceived,
    packetsLost: lost,
    inbound: direction(percent(lost, received.packetsExpected), received.jitterMs),
    outbound:
      farEnd === undefined
        ? null
        : direction(percent(Math.max(0, farEnd.cumulativeLost), packetsSent), farEnd.jitterMs),
    roundTripMs: roundTripMs === undefined ? null : round(roundTripMs, 10),
  };
}

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, (100 * part) / whole) : 0;
}

function round(value: number, per: number): number {
  return Math.round(value * per) / per;
}
