import { createRequire } from 'node:module';

/** The parts of opusscript's libopus build (Emscripten, WebAssembly) that the codec uses. */
interface NativeHandler {
  _encode(input: number, samples: number, output: number, frameSize: number): number;
  _decode(input: number, bytes: number, output: number): number;
  _encoder_ctl(ctl: number, value: number): number;
}
interface NativeOpus {
  readonly OpusScriptHandler: {
    new (sampleRate: number, channels: number, application: number): NativeHandler;
    destroy_handler(handler: NativeHandler): void;
  };
  /** Views on the WebAssembly memory; replaced when the memory grows, so never kept. */
  readonly HEAPU8: Uint8Array;
  readonly HEAPU16: Uint16Array;
  _malloc(bytes: number): number;
}

/** libopus constants (opus_defines.h). */
const OPUS_APPLICATION_VOIP = 2048;
const OPUS_SET_BITRATE_REQUEST = 4002;
const OPUS_SET_COMPLEXITY_REQUEST = 4010;
const OPUS_SET_SIGNAL_REQUEST = 4024;
const OPUS_SIGNAL_VOICE = 3001;
/** What the native decode asks libopus for at most, in samples (opusscript's MAX_FRAME_SIZE). */
const NATIVE_MAX_FRAME = 960 * 6;
/** Largest packet libopus writes or reads here (opusscript's MAX_PACKET_SIZE: 3 × 1275 + 3). */
const MAX_PACKET_BYTES = 1276 * 3;

/** Opus frame durations in half milliseconds: 2.5, 5, 10, 20, 40 and 60 ms (RFC 6716 §2.1.4). */
const FRAME_HALF_MS: readonly number[] = [5, 10, 20, 40, 80, 120];

/** The loaded module and its scratch memory, shared by every codec of this thread. */
interface Loaded {
  readonly native: NativeOpus;
  /** PCM in either direction: one 16-bit slot per byte, so 4 bytes per sample. */
  readonly pcm: number;
  readonly packetIn: number;
  readonly packetOut: number;
}
let loaded: Loaded | undefined;

/**
 * Loads opusscript's WebAssembly libopus once per thread (synchronously: the build instantiates
 * its module on require). Its JavaScript class is not used: it keeps views on the module memory,
 * which go stale when the memory grows (a few hundred codecs in), and indexes its 16-bit view
 * with byte addresses, so each codec writes past its own buffers into other allocations. This
 * module calls the native handler itself with correct addresses and fresh views. Scratch buffers
 * are shared: every call is synchronous and a thread runs one at a time.
 */
function load(): Loaded {
  if (loaded !== undefined) return loaded;
  const require = createRequire(import.meta.url);
  const create = require('opusscript/build/opusscript_native_wasm.js') as () => NativeOpus;
  const native = create();
  loaded = {
    native,
    pcm: native._malloc(NATIVE_MAX_FRAME * 4),
    packetIn: native._malloc(MAX_PACKET_BYTES),
    packetOut: native._malloc(MAX_PACKET_BYTES),
  };
  return loaded;
}

/** Rates libopus encodes and decodes at (RFC 6716 §2). */
export type OpusSampleRate = 8000 | 12000 | 16000 | 24000 | 48000;

/** What an {@link OpusCodec} is built with. */
export interface OpusCodecOptions {
  /** Linear PCM rate on our side; default 8000, the bridge's rate, so no resampler is needed. */
  readonly sampleRate?: OpusSampleRate;
  /** Encoder bit rate in bit/s; default 16,000 (narrowband speech is transparent well below). */
  readonly bitrate?: number;
  /** Encoder complexity 0–10; default 5, half the CPU of 10 for speech at this rate. */
  readonly complexity?: number;
}

/**
 * One mono Opus encoder and decoder pair (RFC 6716) over libopus built to WebAssembly
 * (opusscript, MIT; no native build). Our side is 16-bit linear PCM at `sampleRate`; libopus
 * resamples inside, so a browser's fullband stream decodes straight to 8 kHz and our 8 kHz
 * frames encode to a narrowband stream any Opus decoder plays (RFC 7587 §3.1.1: the receiver
 * decodes whatever bandwidth arrives).
 *
 * The encoder is set for VoIP and speech. In-band FEC stays off: libopus adds it only for an
 * expected loss rate (OPUS_SET_PACKET_LOSS_PERC), which would need the browser's RTCP reports,
 * and at 16 kbit/s it would take a third of the bits. Call {@link close} when done: the memory is
 * the module's, not the garbage collector's.
 */
export class OpusCodec {
  readonly sampleRate: OpusSampleRate;
  private readonly handler: NativeHandler;
  private readonly loaded: Loaded;
  /** Decoded audio, reused: 120 ms, the longest packet (RFC 6716 §3.2.5). */
  private readonly decoded: Int16Array;
  private closed = false;

  constructor(options: OpusCodecOptions = {}) {
    this.sampleRate = options.sampleRate ?? 8000;
    this.loaded = load();
    this.handler = new this.loaded.native.OpusScriptHandler(this.sampleRate, 1, OPUS_APPLICATION_VOIP);
    this.decoded = new Int16Array((this.sampleRate * 120) / 1000);
    this.ctl(OPUS_SET_BITRATE_REQUEST, options.bitrate ?? 16_000);
    this.ctl(OPUS_SET_COMPLEXITY_REQUEST, options.complexity ?? 5);
    this.ctl(OPUS_SET_SIGNAL_REQUEST, OPUS_SIGNAL_VOICE);
  }

  /**
   * Encodes one frame of `sampleRate` PCM: its length must be an Opus frame size (2.5, 5, 10,
   * 20, 40 or 60 ms; 160 samples is 20 ms at 8 kHz). Returns a new packet.
   */
  encode(frame: Int16Array): Uint8Array {
    this.assertOpen();
    const n = frame.length;
    if (!FRAME_HALF_MS.includes((n * 2000) / this.sampleRate))
      throw new RangeError(`${n} samples at ${this.sampleRate} Hz is not an Opus frame size`);
    const { native, pcm, packetOut } = this.loaded;
    // The native encoder takes each PCM byte in a 16-bit slot, little-endian, and packs them itself.
    const heap16 = native.HEAPU16;
    const base = pcm >> 1;
    for (let i = 0; i < n; i++) {
      const s = frame[i]! & 0xffff;
      heap16[base + 2 * i] = s & 0xff;
      heap16[base + 2 * i + 1] = s >> 8;
    }
    const length = this.handler._encode(pcm, n, packetOut, n);
    if (length < 0) throw new Error(`opus_encode failed with ${length}`);
    return native.HEAPU8.slice(packetOut, packetOut + length);
  }

  /**
   * Decodes one packet to `sampleRate` PCM, or `undefined` when libopus refuses it (corrupt,
   * empty, longer than 120 ms). A packet of a TOC byte alone conceals its duration (RFC 6716
   * §3.2.1), see `opusConcealmentPackets`. The returned view is reused by the next call.
   */
  decode(packet: Uint8Array): Int16Array | undefined {
    this.assertOpen();
    if (packet.length === 0 || packet.length > MAX_PACKET_BYTES) return undefined;
    const { native, pcm, packetIn } = this.loaded;
    native.HEAPU8.set(packet, packetIn);
    const samples = this.handler._decode(packetIn, packet.length, pcm);
    if (samples < 0 || samples > this.decoded.length) return undefined;
    // The native decoder writes each sample as two 16-bit slots, low byte first.
    const heap16 = native.HEAPU16;
    const base = pcm >> 1;
    const out = this.decoded;
    for (let i = 0; i < samples; i++)
      out[i] = ((heap16[base + 2 * i + 1]! << 24) >> 16) | heap16[base + 2 * i]!;
    return out.subarray(0, samples);
  }

  /** Frees the encoder and decoder. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.loaded.native.OpusScriptHandler.destroy_handler(this.handler);
  }

  private ctl(request: number, value: number): void {
    const status = this.handler._encoder_ctl(request, value);
    if (status < 0) throw new RangeError(`opus encoder ctl ${request}=${value} failed with ${status}`);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('Opus codec is closed');
  }
}
