// Per-core cost of a browser leg that insists on Opus: the server decodes the browser's Opus to
// 8 kHz PCMU and encodes the bridge's PCMU to Opus, one 20 ms frame each way every 20 ms. Measured
// on one thread for a fixed time per figure (libopus as WebAssembly, through the server's own
// codec wrapper and transcoder); p50/p99 are per 20 ms frame within batches. About 12 s in all.
import { encodeG711, encodeRtpPacket, type RtpPacketFields } from '@switchboard/media';
import { OpusCodec } from '../apps/server/src/webrtc/opus-codec';
import { OpusTranscoder } from '../apps/server/src/webrtc/opus-transcoder';

const RUN_MS = 2000;
const WARMUP_MS = 300;
const BATCH = 50;
const FRAME_US = 20_000;

interface Figure {
  readonly usPerFrame: number;
  readonly p50us: number;
  readonly p99us: number;
}

/** Runs `batch` (BATCH frames) repeatedly for RUN_MS and reports µs per frame. */
function measure(name: string, batch: () => void): Figure {
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) batch();
  const perFrame: number[] = [];
  let frames = 0;
  const start = process.hrtime.bigint();
  const end = performance.now() + RUN_MS;
  while (performance.now() < end) {
    const t0 = process.hrtime.bigint();
    batch();
    perFrame.push(Number(process.hrtime.bigint() - t0) / 1000 / BATCH);
    frames += BATCH;
  }
  const elapsedUs = Number(process.hrtime.bigint() - start) / 1000;
  perFrame.sort((a, b) => a - b);
  const q = (p: number) => perFrame[Math.min(perFrame.length - 1, Math.floor(p * perFrame.length))]!;
  const figure = { usPerFrame: elapsedUs / frames, p50us: q(0.5), p99us: q(0.99) };
  console.log(
    `${name.padEnd(52)} ${figure.usPerFrame.toFixed(1).padStart(7)} µs/frame   p50 ${figure.p50us.toFixed(1)}  p99 ${figure.p99us.toFixed(1)}`,
  );
  return figure;
}

/** 5 s of speech-like audio (two tones under a slow envelope) at `rate`, in 20 ms frames. */
function speech(rate: number): Int16Array[] {
  const n = (rate * 20) / 1000;
  let t = 0;
  return Array.from({ length: 250 }, () => {
    const frame = new Int16Array(n);
    for (let i = 0; i < n; i++, t++) {
      const envelope = 0.5 + 0.5 * Math.sin((2 * Math.PI * t) / (rate * 1.3));
      frame[i] = Math.round(
        envelope *
          (9000 * Math.sin((2 * Math.PI * 220 * t) / rate) +
            3000 * Math.sin((2 * Math.PI * 1375 * t) / rate)),
      );
    }
    return frame;
  });
}

const narrow = speech(8000);
const full = speech(48000);

// What a browser sends: fullband 48 kHz (if it ignores our maxplaybackrate=8000) or narrowband.
const fullbandBrowser = new OpusCodec({ sampleRate: 48000, bitrate: 32_000, complexity: 10 });
const narrowbandBrowser = new OpusCodec({ sampleRate: 8000, bitrate: 16_000, complexity: 10 });
const fullbandPackets = full.map((f) => fullbandBrowser.encode(f));
const narrowbandPackets = narrow.map((f) => narrowbandBrowser.encode(f));
fullbandBrowser.close();
narrowbandBrowser.close();

console.log(
  `media-opus: one thread, ${RUN_MS} ms per figure, frame = 20 ms, libopus (opusscript WebAssembly)`,
);

const encoder = new OpusCodec();
let k = 0;
const encode = measure('encode 8 kHz → Opus (complexity 5, 16 kbit/s)', () => {
  for (let i = 0; i < BATCH; i++) encoder.encode(narrow[k++ % narrow.length]!);
});
encoder.close();

const encoder10 = new OpusCodec({ complexity: 10 });
measure('encode 8 kHz → Opus (complexity 10, for reference)', () => {
  for (let i = 0; i < BATCH; i++) encoder10.encode(narrow[k++ % narrow.length]!);
});
encoder10.close();

const decoder = new OpusCodec();
const decodeFull = measure('decode fullband Opus → 8 kHz', () => {
  for (let i = 0; i < BATCH; i++) decoder.decode(fullbandPackets[k++ % fullbandPackets.length]!);
});
const decodeNarrow = measure('decode narrowband Opus → 8 kHz', () => {
  for (let i = 0; i < BATCH; i++) decoder.decode(narrowbandPackets[k++ % narrowbandPackets.length]!);
});
decoder.close();

// The whole per-leg path as the server runs it: RTP fields in, PCMU frames out, and back.
const pcmuPackets = narrow.map((frame, i) => {
  const payload = new Uint8Array(160);
  encodeG711('pcmu', frame, payload);
  return encodeRtpPacket({ payloadType: 0, sequenceNumber: i, timestamp: i * 160, ssrc: 1, payload });
});
let sink = 0;
const count = (p: RtpPacketFields) => {
  sink += p.payload.length;
};
const transcoder = new OpusTranscoder({ opus: 111, opusEvents: 110, pcmu: 0, pcmuEvents: 101 }, count, count);
let n = 0;
const both = measure('transcoder, both directions (fullband in)', () => {
  for (let i = 0; i < BATCH; i++, n++) {
    const j = n % fullbandPackets.length;
    transcoder.fromBrowser({
      payloadType: 111,
      sequenceNumber: n & 0xffff,
      timestamp: (n * 960) >>> 0,
      ssrc: 2,
      payload: fullbandPackets[j]!,
    });
    const pcmu = pcmuPackets[j]!;
    // The leg's RtpSender numbers its packets on; rewrite the timestamp so frames stay contiguous.
    new DataView(pcmu.buffer, pcmu.byteOffset).setUint32(4, (n * 160) >>> 0);
    transcoder.audioFromLeg(pcmu);
  }
});
transcoder.close();
if (sink < 0) console.log('unreachable');

const perLegUs = both.usPerFrame;
const legsPerCore = Math.floor(FRAME_US / perLegUs);
console.log(
  `one Opus browser leg costs ${perLegUs.toFixed(1)} µs of CPU per 20 ms (${((100 * perLegUs) / FRAME_US).toFixed(2)} % of a core): ` +
    `≈ ${legsPerCore} transcoded legs per core before werift's SRTP and sockets; a PCMU leg transcodes nothing`,
);
console.log(
  `media-opus: encode_us=${encode.usPerFrame.toFixed(1)} decode_fullband_us=${decodeFull.usPerFrame.toFixed(1)} ` +
    `decode_narrowband_us=${decodeNarrow.usPerFrame.toFixed(1)} transcode_leg_us=${perLegUs.toFixed(1)} legs_per_core=${legsPerCore}`,
);
