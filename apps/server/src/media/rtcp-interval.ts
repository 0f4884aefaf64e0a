/**
 * RTCP transmission interval of RFC 3550 §6.3.1 (algorithm of Appendix A.7). Pure: the random
 * factor comes in as an argument.
 */

/** §6.2: the minimum interval, halved for the first report (§6.3.1 "initial"). */
export const RTCP_MIN_TIME_S = 5;
/** §6.3.1: senders share a quarter of the RTCP bandwidth when they are at most a quarter of members. */
const SENDER_FRACTION = 0.25;
const RECEIVER_FRACTION = 0.75;
/** §6.3.1: e − 3/2 compensates the timer reconsideration bias. */
const COMPENSATION = Math.E - 1.5;

export interface RtcpIntervalInput {
  readonly members: number;
  readonly senders: number;
  /** RTCP bandwidth in octets per second: 5% of the session bandwidth (§6.2). */
  readonly rtcpBandwidth: number;
  readonly weSent: boolean;
  /** Average compound RTCP size in octets, including UDP/IP headers (§6.3.3). */
  readonly averageRtcpSize: number;
  readonly initial: boolean;
  /** Uniform random number in [0, 1), spreading reports over [0.5, 1.5] × the deterministic value. */
  readonly random: number;
}

/** The interval before the next compound RTCP packet, in milliseconds. */
export function rtcpIntervalMs(input: RtcpIntervalInput): number {
  const minTime = input.initial ? RTCP_MIN_TIME_S / 2 : RTCP_MIN_TIME_S;
  let bandwidth = input.rtcpBandwidth;
  let n = Math.max(1, input.members);
  if (input.senders > 0 && input.senders <= n * SENDER_FRACTION) {
    if (input.weSent) {
      bandwidth *= SENDER_FRACTION;
      n = input.senders;
    } else {
      bandwidth *= RECEIVER_FRACTION;
      n -= input.senders;
    }
  }
  const deterministic = Math.max(minTime, (input.averageRtcpSize * n) / bandwidth);
  return ((deterministic * (input.random + 0.5)) / COMPENSATION) * 1000;
}

/**
 * §6.3.3: the average RTCP packet size is a moving average with gain 1/16 over compound packets
 * sent and received, counted with the lower-layer headers (28 octets for UDP over IPv4).
 */
export function nextAverageRtcpSize(average: number, packetOctets: number): number {
  return average + (packetOctets + 28 - average) / 16;
}

/**
 * RTCP bandwidth for a G.711 stream of 20 ms packets: 5% (§6.2) of 50 × (160 + 12 + 28) octets
 * per second, i.e. 500 octets per second.
 */
export const G711_RTCP_BANDWIDTH = 0.05 * 50 * (160 + 12 + 28);
