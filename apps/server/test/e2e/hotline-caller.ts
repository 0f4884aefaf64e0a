/**
 * A sipp caller dialing the demo hotline of a live center over UDP, playing one of the scenarios in
 * `fixtures/`, and the key presses it can play: sip-tester's RFC 4733 captures
 * (`/usr/share/sip-tester/dtmf_2833_<key>.pcap`).
 */
import { readFileSync } from 'node:fs';
import { freeRtpPort, freeUdpPort, startSipp, type SippCall } from '../support/sipp';
import type { LiveCenter } from './live-center';

/** The demo shop's hotline. */
export const HOTLINE = '4008001234';

/** Where sip-tester keeps its capture of `key` pressed once (RFC 4733 telephone-events). */
export const keyCapture = (key: string): string => `/usr/share/sip-tester/dtmf_2833_${key}.pcap`;

/** sip-tester's capture of `key`, for a scenario to play. */
export const keyPress = (key: string): Uint8Array => new Uint8Array(readFileSync(keyCapture(key)));

export interface HotlineCallOptions {
  /** Files put where the scenario finds them: the pcaps it plays, by name. */
  readonly files?: Readonly<Record<string, Uint8Array>>;
  /** Arguments after `-s <hotline>` (`-d`, `-key`). */
  readonly args?: readonly string[];
  /**
   * Whether sipp gets an RTP port of its own for `play_pcap_audio` (default); a caller whose
   * audio a test-owned handset carries (`-key rtp_port`) needs none.
   */
  readonly media?: boolean;
  /** sipp's own deadline for the whole call; default 60 s. */
  readonly timeoutMs?: number;
}

/**
 * Starts a caller dialing the hotline with `fixtures/<scenario>`; it listens on a SIP port of its
 * own, so the test can cue it past the scenario's `<recv request="INFO"/>` steps.
 */
export async function callHotline(
  center: LiveCenter,
  scenario: string,
  options: HotlineCallOptions = {},
): Promise<SippCall> {
  return startSipp({
    scenario: new URL(`fixtures/${scenario}`, import.meta.url).pathname,
    port: center.sipPort,
    transport: 'udp',
    localPort: await freeUdpPort(),
    ...(options.media === false ? {} : { mediaPort: await freeRtpPort() }),
    ...(options.files === undefined ? {} : { files: options.files }),
    args: ['-s', HOTLINE, ...(options.args ?? [])],
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}
