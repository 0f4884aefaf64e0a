/**
 * The audio end of a customer whose SIP side is sipp: a UDP port on 127.0.0.1 that the sipp
 * scenario names in its SDP. It sends a steady PCMU sine, 20 ms a packet (RFC 3551 §4.5.14), back
 * to wherever the server's RTP comes from (symmetric RTP), or only listens, and keeps every PCMU
 * packet it receives with its arrival time, so what the customer heard between two moments is read
 * by the clock. It can also play captured packets there, such as a key press.
 *
 * This stands where baresip cannot: baresip 1.0 stops writing what it hears for the rest of a call
 * once a `sendonly` re-INVITE (a hold) has reset its receive side, and the customer is the party
 * the server holds.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import {
  decodeG711,
  decodeRtpPacket,
  encodeG711,
  encodeRtpPacket,
  PCMU_PAYLOAD_TYPE,
} from '@switchboard/media';
import type { CapturedRtp } from './rtp-pcap';

const FRAME = 160;

export interface RtpHandset {
  /** The port to put in the SDP. */
  readonly port: number;
  /** What arrived in wall time `[from, to)`, 8 kHz linear, in arrival order. */
  heard(from: number, to: number): Int16Array;
  /**
   * Sends captured packets as they are (an RFC 4733 key press from sip-tester's captures) to where
   * the server's RTP comes from, paced as captured; resolves once the last is sent.
   */
  play(packets: readonly CapturedRtp[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the handset, sending a `toneHz` sine once the server's RTP has arrived; with `null` it only
 * listens (a caller whose own RTP comes from another port, where the server latches to it).
 */
export async function openRtpHandset(toneHz: number | null): Promise<RtpHandset> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const frames: { at: number; samples: Int16Array }[] = [];
  let remote: RemoteInfo | undefined;
  socket.on('message', (bytes, from) => {
    const packet = decodeRtpPacket(new Uint8Array(bytes));
    if (!packet.ok || packet.value.payloadType !== PCMU_PAYLOAD_TYPE) return;
    remote = from;
    const samples = new Int16Array(packet.value.payload.length);
    decodeG711('pcmu', packet.value.payload, samples);
    frames.push({ at: Date.now(), samples });
  });

  const ssrc = 0x5eed1234;
  let sequence = 0;
  let phase = 0;
  const tick = setInterval(() => {
    if (remote === undefined || toneHz === null) return;
    const linear = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++)
      linear[i] = Math.round(8000 * Math.sin((2 * Math.PI * toneHz * phase++) / 8000));
    const payload = new Uint8Array(FRAME);
    encodeG711('pcmu', linear, payload);
    const packet = encodeRtpPacket({
      payloadType: PCMU_PAYLOAD_TYPE,
      sequenceNumber: sequence & 0xffff,
      timestamp: (sequence * FRAME) >>> 0,
      ssrc,
      payload,
    });
    sequence++;
    socket.send(packet, remote.port, remote.address);
  }, 20);

  return {
    port: socket.address().port,
    heard(from, to) {
      const inSpan = frames.filter((f) => f.at >= from && f.at < to);
      const out = new Int16Array(inSpan.reduce((n, f) => n + f.samples.length, 0));
      let i = 0;
      for (const f of inSpan) {
        out.set(f.samples, i);
        i += f.samples.length;
      }
      return out;
    },
    async play(packets) {
      if (remote === undefined) throw new Error('no RTP from the server yet: nowhere to send');
      const to = remote;
      const start = Date.now();
      for (const p of packets) {
        const wait = start + p.atMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const bytes = encodeRtpPacket({
          payloadType: p.payloadType,
          marker: p.marker,
          sequenceNumber: p.sequence,
          timestamp: p.timestamp,
          ssrc: p.ssrc,
          payload: p.payload,
        });
        socket.send(bytes, to.port, to.address);
      }
    },
    close() {
      clearInterval(tick);
      return new Promise((resolve) => socket.close(() => resolve()));
    },
  };
}
