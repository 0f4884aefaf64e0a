// The browsers of bench/webrtc.bench.ts: one child process holding many werift peer connections,
// each standing in for an agent's browser softphone. Each offers PCMU over ICE and DTLS-SRTP on
// 127.0.0.1, as Chromium does, and once the server's leg has answered it sends 50 packets a second
// with its stream, sequence and send time in the payload, and times them where they come back:
// at itself (the server echoes) or at the browser it is in a call with, which the bench places in
// the same process.
// werift rather than Chromium: a page per agent would spend the cores on audio processing and
// Opus, where werift's cost per packet is about the server's own, and it is printed, so a step
// limited by this side is seen as such. 127.0.0.1 only; every loop stops by itself.
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  type RTCRtpTransceiver,
} from 'werift';
import { keepCandidatesOn } from '../apps/server/src/webrtc/peer-ice';
import { DelaySamples, Histogram } from './delay-histogram';
import { loopMonitor, schedule } from './generator-timing';
import type { GeneratorResult } from './media-load-generator';

export type BrowserCommand =
  | { cmd: 'offer'; id: number }
  | { cmd: 'answer'; id: number; sdp: string }
  | { cmd: 'run'; warmupMs: number; measureMs: number }
  | { cmd: 'close' }
  | { cmd: 'exit' };
export type BrowserEvent =
  | { event: 'offer'; id: number; sdp: string }
  | { event: 'connected'; id: number }
  | { event: 'measure-start' }
  | { event: 'measure-end' }
  | { event: 'result'; result: GeneratorResult }
  | { event: 'closed' };

const send = (e: BrowserEvent) => process.send!(e);
const now = () => performance.now();
/** Our stream index, sequence and send time, after the 12-byte RTP header of the 172. */
const PAYLOAD_BYTES = 160;

interface Browser {
  readonly pc: RTCPeerConnection;
  readonly track: MediaStreamTrack;
  readonly transceiver: RTCRtpTransceiver;
}

const browsers = new Map<number, Browser>();
/** What arrives is handed here while a run measures it. */
let onEcho: ((payload: Buffer) => void) | undefined;

async function offer(id: number): Promise<void> {
  const pc = new RTCPeerConnection({
    iceServers: [],
    codecs: {
      audio: [
        new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
      ],
      video: [],
    },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
  const track = new MediaStreamTrack({ kind: 'audio' });
  const transceiver = pc.addTransceiver(track, { direction: 'sendrecv' });
  transceiver.onTrack.subscribe((remote) => remote.onReceiveRtp.subscribe((rtp) => onEcho?.(rtp.payload)));
  pc.connectionStateChange.subscribe((state) => state === 'connected' && send({ event: 'connected', id }));
  browsers.set(id, { pc, track, transceiver });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete')
    await new Promise<void>((resolve) => {
      const s = pc.iceGatheringStateChange.subscribe((state) => {
        if (state !== 'complete') return;
        s.unSubscribe();
        resolve();
      });
    });
  // Loopback candidates only, as the Chromium tests keep theirs.
  send({ event: 'offer', id, sdp: keepCandidatesOn(pc.localDescription!.sdp, '127.0.0.1') });
}

/**
 * Sends every browser's packets for warm-up plus the measured window, a quarter of the browsers
 * every 5 ms, and times those of the window wherever they arrive (the payload names the sender).
 */
async function run(warmupMs: number, measureMs: number): Promise<GeneratorResult> {
  const ids = [...browsers.keys()];
  const n = ids.length;
  const seq = new Uint32Array(n);
  const from = new Float64Array(n).fill(-1);
  const to = new Float64Array(n).fill(Infinity);
  const late = new Histogram();
  const arrived = new DelaySamples();
  let received = 0;
  onEcho = (payload) => {
    if (payload.length < 16) return;
    const i = payload.readUInt32BE(0);
    if (i >= n) return;
    const s = payload.readUInt32BE(4);
    if (from[i]! < 0 || s < from[i]! || s >= to[i]!) return;
    received++;
    arrived.add(i, now() - payload.readDoubleBE(8));
  };
  const monitor = loopMonitor();
  const slots = 4;
  let measuring = false;
  await schedule(20 / slots, warmupMs + measureMs, (k, lateMs) => {
    if (!measuring && k * (20 / slots) >= warmupMs) {
      measuring = true;
      monitor.start();
      send({ event: 'measure-start' });
    }
    if (measuring) late.add(lateMs);
    for (let i = k % slots; i < n; i += slots) {
      if (measuring && from[i]! < 0) from[i] = seq[i]!;
      const payload = Buffer.alloc(PAYLOAD_BYTES, 0xff);
      payload.writeUInt32BE(i, 0);
      payload.writeUInt32BE(seq[i]!, 4);
      payload.writeDoubleBE(now(), 8);
      const header = new RtpHeader({
        payloadType: 0,
        sequenceNumber: seq[i]! & 0xffff,
        timestamp: seq[i]! * 160,
      });
      browsers.get(ids[i]!)!.track.writeRtp(new RtpPacket(header, payload));
      seq[i]!++;
    }
  });
  for (let i = 0; i < n; i++) to[i] = seq[i]!;
  send({ event: 'measure-end' });
  const loop = monitor.stop();
  // Let echoes in flight arrive.
  await new Promise((r) => setTimeout(r, 300));
  onEcho = undefined;
  let sent = 0;
  for (let i = 0; i < n; i++) if (from[i]! >= 0) sent += to[i]! - from[i]!;
  const histogram = arrived.histogram(n).pairs();
  return {
    sent,
    received,
    planned: Math.round((n * measureMs) / 20),
    histogram,
    readHistogram: histogram,
    sendLateP99Ms: late.quantile(0.99),
    loopDelayP99Ms: loop.p99,
    loopDelayMaxMs: loop.max,
    cores: loop.cores,
  };
}

async function closeAll(): Promise<void> {
  await Promise.all([...browsers.values()].map((b) => b.pc.close()));
  browsers.clear();
}

function main(): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (c: BrowserCommand) => {
    switch (c.cmd) {
      case 'offer':
        void offer(c.id);
        return;
      case 'answer':
        void browsers.get(c.id)?.pc.setRemoteDescription({ type: 'answer', sdp: c.sdp });
        return;
      case 'run':
        void run(c.warmupMs, c.measureMs).then((result) => send({ event: 'result', result }));
        return;
      case 'close':
        void closeAll().then(() => send({ event: 'closed' }));
        return;
      case 'exit':
        process.exit(0);
    }
  });
}

if (process.send) main();
