import type { MessagePort } from 'node:worker_threads';
import {
  encodeG711,
  FRAME_SAMPLES,
  readRtpPacket,
  RtpPacketView,
  type RtpPayloadKind,
} from '@switchboard/media';
import type { MediaLeg } from './media-leg';
import type { LegCodec, RtpSink, SwitchableLeg } from './media-leg-types';

// A leg whose sockets live on one media worker can take part in a call mixed on another: its
// packets cross between the two threads over a MessageChannel of their own, one message per
// packet, never through the main thread. Only for the few legs that need it — a supervisor, a
// third party — since calls are placed whole on one worker.

/** What travels from the leg's worker: a received packet (header and payload) and its kind. */
interface Received {
  readonly kind: RtpPayloadKind;
  readonly bytes: Uint8Array;
}

/** What travels to the leg's worker: a packet to relay as is, or a frame to send. */
type ToSend =
  | { readonly t: 'relay'; readonly bytes: Uint8Array; readonly pt: number; readonly payload?: Uint8Array }
  | { readonly t: 'frame'; readonly payload: Uint8Array };

/** Copies the packet out of the receive buffer (it is reused) into a buffer the message can own. */
function copyOf(packet: RtpPacketView): Uint8Array {
  return packet.bytes.slice(0, packet.payloadOffset + packet.payloadLength);
}

/**
 * The leg's own worker's end: the leg's packets go to `port`, and what comes back is sent from
 * the leg's sockets (so the remote keeps seeing our one address, symmetric RTP).
 */
export class LegExport implements RtpSink {
  private readonly view = new RtpPacketView();
  private closed = false;

  constructor(
    private readonly leg: MediaLeg,
    private readonly port: MessagePort,
  ) {
    port.on('message', (m: ToSend) => this.send(m));
    // The mixing worker let go (its thread died, or the leg left its call): nothing to export to.
    port.once('close', () => this.close());
    leg.setSink(this);
    leg.once('closed', () => port.close());
  }

  receiveRtp(packet: RtpPacketView, kind: RtpPayloadKind): void {
    const bytes = copyOf(packet);
    this.port.postMessage({ kind, bytes } satisfies Received, [bytes.buffer as ArrayBuffer]);
  }

  /** Stops exporting: the leg's packets go nowhere until it is connected on its own worker. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // The leg may have been connected on its own worker since: leave that connection alone.
    if (this.leg.currentSink === this) this.leg.setSink(undefined);
    this.port.close();
  }

  private send(m: ToSend): void {
    if (m.t === 'frame') return this.leg.sendFrame(m.payload);
    if (readRtpPacket(m.bytes, this.view) === 'ok') this.leg.relay(this.view, m.pt, m.payload);
  }
}

/**
 * The mixing worker's end: stands in for the leg in bridges and conferences
 * ({@link SwitchableLeg}), delivering its packets as they arrive and posting what it is sent.
 */
export class RemoteLeg implements SwitchableLeg {
  private sink: RtpSink | undefined;
  private readonly view = new RtpPacketView();
  private readonly encoded = new Uint8Array(FRAME_SAMPLES);

  constructor(
    readonly id: string,
    readonly codec: LegCodec,
    private readonly port: MessagePort,
    private readonly now: () => number,
    onClosed: () => void,
  ) {
    port.on('message', (m: Received) => this.receive(m));
    port.once('close', onClosed);
  }

  setSink(sink: RtpSink | undefined): void {
    this.sink = sink;
  }

  relay(packet: RtpPacketView, payloadType: number, payload?: Uint8Array): void {
    const bytes = copyOf(packet);
    const message: ToSend = {
      t: 'relay',
      bytes,
      pt: payloadType,
      ...(payload ? { payload: payload.slice() } : {}),
    };
    this.port.postMessage(message, [bytes.buffer as ArrayBuffer]);
  }

  sendLinear(samples: Int16Array): void {
    encodeG711(this.codec.law, samples, this.encoded, FRAME_SAMPLES);
    const payload = this.encoded.slice();
    this.port.postMessage({ t: 'frame', payload } satisfies ToSend, [payload.buffer as ArrayBuffer]);
  }

  /** Ends the stand-in (the leg left this worker's calls). */
  close(): void {
    this.sink = undefined;
    this.port.close();
  }

  private receive(m: Received): void {
    if (readRtpPacket(m.bytes, this.view) !== 'ok') return;
    this.sink?.receiveRtp(this.view, m.kind, this.now());
  }
}
