// Per-core throughput of the media hot paths: G.711 encode/decode, RTP parse/serialize, 3-party
// mixing and the jitter buffer. Each figure is measured in batches for a fixed time on one thread;
// p50/p99 are of the per-operation time within batches. Bounded to about 20 s in all.
import {
  ConferenceMixer,
  JitterBuffer,
  RtpPacketView,
  decodeG711,
  encodeG711,
  readRtpPacket,
  writeRtpPacket,
} from '@switchboard/media';

const FRAME = 160;
const RUN_MS = 2000;
const WARMUP_MS = 300;

interface Figure {
  name: string;
  unit: string;
  perSecond: number;
  p50ns: number;
  p99ns: number;
}

/** Runs `batch` (which performs `opsPerBatch` operations) repeatedly and summarises its timing. */
function measure(name: string, unit: string, opsPerBatch: number, batch: () => void): Figure {
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) batch();
  const perOp: number[] = [];
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = performance.now() + RUN_MS;
  while (performance.now() < end) {
    const t0 = process.hrtime.bigint();
    batch();
    perOp.push(Number(process.hrtime.bigint() - t0) / opsPerBatch);
    ops += opsPerBatch;
  }
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  perOp.sort((a, b) => a - b);
  const q = (p: number) => perOp[Math.min(perOp.length - 1, Math.floor(p * perOp.length))]!;
  const figure = { name, unit, perSecond: ops / elapsedS, p50ns: q(0.5), p99ns: q(0.99) };
  console.log(
    `${name.padEnd(22)} ${(figure.perSecond / (unit === 'samples' ? 1e6 : 1)).toFixed(unit === 'samples' ? 1 : 0).padStart(12)} ${unit === 'samples' ? 'M samples/s' : `${unit}/s`}` +
      `   per op p50 ${figure.p50ns.toFixed(1)} ns  p99 ${figure.p99ns.toFixed(1)} ns`,
  );
  return figure;
}

// Speech-like input: a sum of sines with a slow envelope, so table lookups are not all one entry.
const FRAMES = 64;
const pcm = new Int16Array(FRAME * FRAMES);
for (let i = 0; i < pcm.length; i++)
  pcm[i] = Math.round(12000 * Math.sin(i / 9.3) * Math.sin(i / 701) + 3000 * Math.sin(i / 2.7));
const coded = new Uint8Array(pcm.length);
const decoded = new Int16Array(pcm.length);
encodeG711('pcmu', pcm, coded);

console.log(`media-codec: one thread, ${RUN_MS} ms per figure, frame = ${FRAME} samples (20 ms at 8 kHz)`);

const ulawEnc = measure('ulaw encode', 'samples', pcm.length, () => encodeG711('pcmu', pcm, coded));
const ulawDec = measure('ulaw decode', 'samples', pcm.length, () => decodeG711('pcmu', coded, decoded));
measure('alaw encode', 'samples', pcm.length, () => encodeG711('pcma', pcm, coded));
measure('alaw decode', 'samples', pcm.length, () => decodeG711('pcma', coded, decoded));

// RTP: 64 distinct 20 ms PCMU packets written into and read from reused buffers, through one
// reused header object and views made once, as a leg's send and receive paths do.
const wire = new Uint8Array(FRAMES * 172);
const packets = Array.from({ length: FRAMES }, (_, k) => wire.subarray(k * 172, (k + 1) * 172));
const payloads = Array.from({ length: FRAMES }, (_, k) => coded.subarray(k * FRAME, (k + 1) * FRAME));
const fields = { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0x1234, payload: payloads[0]! };
const view = new RtpPacketView();
let seq = 0;
const serialize = measure('rtp serialize', 'packets', FRAMES, () => {
  for (let k = 0; k < FRAMES; k++) {
    seq = (seq + 1) & 0xffff;
    fields.sequenceNumber = seq;
    fields.timestamp = seq * FRAME;
    fields.payload = payloads[k]!;
    writeRtpPacket(fields, packets[k]!);
  }
});
let checksum = 0;
const parse = measure('rtp parse', 'packets', FRAMES, () => {
  for (let k = 0; k < FRAMES; k++)
    if (readRtpPacket(packets[k]!, view) === 'ok') checksum += view.sequenceNumber;
});

// 3-party conference: caller, agent, supervisor barging; every leg speaks every tick.
const mixer = new ConferenceMixer(FRAME);
const legs = [mixer.add('caller'), mixer.add('agent'), mixer.add('supervisor', { role: 'barge' })];
const frames = Array.from({ length: FRAMES }, (_, k) => pcm.subarray(k * FRAME, (k + 1) * FRAME));
let tick = 0;
const mix3 = measure('mix 3-party', 'frames', 100, () => {
  for (let t = 0; t < 100; t++) {
    const frame = frames[tick++ % FRAMES]!;
    for (let l = 0; l < legs.length; l++) legs[l]!.write(frame);
    mixer.mix();
  }
});

// Jitter buffer: push one packet and pull one frame per 20 ms of media time.
const jb = new JitterBuffer({ law: 'pcmu' });
const out = new Int16Array(FRAME);
let n = 0;
const jitter = measure('jitter push+pull', 'frames', 100, () => {
  for (let t = 0; t < 100; t++, n++) {
    const k = n % FRAMES;
    jb.push((n * FRAME) >>> 0, coded, n * 20, k * FRAME, FRAME);
    jb.pull(n * 20 + 40, out);
  }
});

/**
 * Jitter buffers pulled as μ-law codes into a channel of a stereo frame, as a G.711 recording does:
 * `legs` buffers in turn, each pushed one packet from `payloads` and pulled one frame a turn.
 */
function jitterCodesFigure(name: string, legs: number, payloads: Uint8Array): Figure {
  const buffers = Array.from({ length: legs }, () => new JitterBuffer({ law: 'pcmu' }));
  const stereo = new Uint8Array(2 * FRAME);
  let frame = 0;
  let leg = 0;
  return measure(name, 'frames', 100, () => {
    for (let t = 0; t < 100; t++) {
      const buffer = buffers[leg]!;
      buffer.push((frame * FRAME) >>> 0, payloads, frame * 20, (frame % FRAMES) * FRAME, FRAME);
      buffer.pullCodes(frame * 20 + 40, 'pcmu', stereo, leg & 1, 2);
      if (++leg === legs) {
        leg = 0;
        frame++;
      }
    }
  });
}

// One buffer, the same as `jitter push+pull` but pulled as codes.
const jitterCodes = jitterCodesFigure('jitter push+pull codes', 1, coded);
// The buffers of 400 recorded calls in turn: what a busy media thread does each 20 ms, with each
// leg's ring cold in the cache by the time its turn comes again. The payloads come from a
// `Buffer`, as received datagrams do.
const LEGS = 800;
const jitterLegs = jitterCodesFigure(`jitter codes × ${LEGS} legs`, LEGS, Buffer.from(coded));

// Work of one bridged, recorded PCMU call per second of audio: 2 legs × 50 packets parsed and
// serialized, and 2 × 50 jitter frames pulled as codes into the stereo recording (no codec work:
// the relay forwards payloads and the recording keeps them as they arrived).
const perCallUs =
  1e6 * ((2 * 50) / parse.perSecond + (2 * 50) / serialize.perSecond + (2 * 50) / jitterLegs.perSecond);
console.log(
  `pure media work of one bridged recorded call: ${perCallUs.toFixed(1)} µs per second of audio ` +
    `(≈ ${Math.floor(1e6 / perCallUs)} calls per core before sockets, syscalls and file writes)`,
);
if (checksum < 0) console.log('unreachable');

const fmt = (x: number, digits = 0) => x.toFixed(digits);
console.log(
  `media-codec: ulaw_encode_msamples_s=${fmt(ulawEnc.perSecond / 1e6, 1)} ulaw_decode_msamples_s=${fmt(ulawDec.perSecond / 1e6, 1)} ` +
    `rtp_parse_per_s=${fmt(parse.perSecond)} mix3_frames_per_s=${fmt(mix3.perSecond)} ` +
    `jitter_frames_per_s=${fmt(jitter.perSecond)} jitter_codes_frames_per_s=${fmt(jitterCodes.perSecond)} ` +
    `jitter_codes_legs_frames_per_s=${fmt(jitterLegs.perSecond)}`,
);
