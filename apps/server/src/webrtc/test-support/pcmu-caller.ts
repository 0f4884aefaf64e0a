/**
 * The SIP side of a browser's call in the WebRTC integration tests: a plain PCMU RTP peer as the
 * caller's phone (what its microphone sends, what it heard) and the stereo recording of the call.
 */
import { readFile } from 'node:fs/promises';
import { decodeG711, encodeG711, parseWav, ToneGenerator, wavSamples } from '@switchboard/media';
import type { RtpTestPeer } from '../../media/rtp-test-peer';
import { peakFrequency } from '../tone-probe';

/** An RTP address, as an SDP body's `c=` and `m=` lines give it. */
export interface RtpAddress {
  readonly address: string;
  readonly port: number;
}

/** Our RTP address in an SDP body. */
export function rtpAddressOf(sdp: string): RtpAddress {
  return { address: /c=IN IP4 (\S+)/.exec(sdp)?.[1] ?? '', port: Number(/m=audio (\d+)/.exec(sdp)?.[1]) };
}

/**
 * The caller's microphone: a continuous `hz` tone in PCMU (payload type 0), one packet every
 * 20 ms from `peer` to `to`. Returns what stops it.
 */
export function sendPcmuTone(peer: RtpTestPeer, to: RtpAddress, hz: number): () => void {
  const tone = new ToneGenerator({ name: `${hz} Hz`, components: [{ hz, levelDbm0: -6 }], cadence: [] });
  const frame = new Int16Array(160);
  let seq = 0;
  const timer = setInterval(() => {
    tone.fill(frame);
    const payload = new Uint8Array(160);
    encodeG711('pcmu', frame, payload);
    seq++;
    peer.sendRtp(
      { payloadType: 0, sequenceNumber: seq & 0xffff, timestamp: seq * 160, ssrc: 0xca11, payload },
      to,
    );
  }, 20);
  return () => clearInterval(timer);
}

/** The last second of PCMU `peer` received (50 packets), among those after its `from`th. */
function lastSecond(peer: RtpTestPeer, from: number): Int16Array {
  const packets = peer.rtp
    .slice(from)
    .filter((p) => p.payloadType === 0)
    .slice(-50);
  const samples = new Int16Array(packets.length * 160);
  packets.forEach((p, i) =>
    decodeG711('pcmu', p.payload, samples.subarray(i * 160), Math.min(160, p.payload.length)),
  );
  return samples;
}

/** The strongest frequency in the last second of PCMU the caller received. */
export function callerHears(peer: RtpTestPeer): { hz: number; share: number } {
  return peakFrequency(lastSecond(peer, 0));
}

/**
 * Whether the last second the caller received, among packets after its `from`th, is a tone of
 * `hz` (±10 Hz, more than half the power); at least half a second of it must have arrived.
 */
export function callerHearsTone(peer: RtpTestPeer, hz: number, from = 0): boolean {
  const samples = lastSecond(peer, from);
  if (samples.length < 25 * 160) return false;
  const peak = peakFrequency(samples);
  return Math.abs(peak.hz - hz) <= 10 && peak.share > 0.5;
}

/** A call's stereo recording: the first leg of the bridge on the left, the second on the right. */
export interface StereoRecording {
  readonly channels: number;
  readonly left: Int16Array;
  readonly right: Int16Array;
}

/** Reads the WAV at `path` and splits its interleaved channels. */
export async function readStereoRecording(path: string): Promise<StereoRecording> {
  const wav = parseWav(new Uint8Array(await readFile(path)));
  if (!wav.ok) throw new Error(wav.error.message);
  const samples = wavSamples(wav.value);
  const channel = (index: 0 | 1): Int16Array =>
    Int16Array.from({ length: samples.length >> 1 }, (_, i) => samples[2 * i + index]!);
  return { channels: wav.value.format.channels, left: channel(0), right: channel(1) };
}
