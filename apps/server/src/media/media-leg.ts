import type { RtpPacketView } from '@switchboard/media';
import {
  FRAME_SAMPLES,
  RtpLegReceiver,
  encodeG711,
  readRtpPacket,
  type RtpPayloadKind,
  type TelephoneEventName,
} from '@switchboard/media';
import type {
  LegCodec,
  LegExtraCounters,
  MediaLegEvents,
  MediaLegOptions,
  MediaLegStats,
  RemoteMedia,
  RtpSink,
} from './media-leg-types';
import { arrivalMs, type ReceiveInfo } from './batch-udp-socket';
import type { TickSubscriber } from './media-ticker';
import { LegDtmfReceiver } from './leg-dtmf-receiver';
import { LegDtmfSender } from './leg-dtmf-sender';
import { LegFaults } from './leg-faults';
import { LegRtcp } from './leg-rtcp';
import { LegSilenceWatchdog } from './leg-silence-watchdog';
import { RtpDestination } from './rtp-destination';
import { RtpSender } from './rtp-sender';
import { SourceLatch } from './source-latch';
import { TypedEmitter } from './typed-emitter';

/**
 * One RTP endpoint of a call: a bound RTP/RTCP port pair talking to one remote.
 *
 * Receive path, per datagram: parse (RFC 3550 §5.1) and check the payload type against the
 * negotiated codec, where garbage and unknown types are counted and dropped, never thrown; then
 * symmetric-RTP latching ({@link SourceLatch}); then source validation and statistics (§A.1, §A.3,
 * §A.8) with SSRC change detection (§8.2); then RFC 4733 events (and, while it matters, the audio)
 * to the {@link LegDtmfReceiver} (emitting `dtmf-started` / `dtmf`) and every accepted packet to the
 * {@link RtpSink} (the bridge).
 *
 * Send path: {@link sendFrame}/{@link sendLinear} for generated audio, {@link relay} for bridged
 * packets, {@link sendDtmf} for RFC 4733 digits paced on the shared ticker ({@link LegDtmfSender});
 * always to the latched (or signalled) remote, through a socket connected to it once latching
 * closed on the signalled address ({@link RtpDestination}), from reused buffers. RTCP SR/RR go
 * out on the §6.3 interval ({@link LegRtcp}); a no-RTP watchdog ({@link LegSilenceWatchdog})
 * emits `rtp-timeout` and `rtp-resumed`.
 *
 * Nothing a peer sends makes the leg throw: RTP or RTCP from a source media cannot go back to
 * (UDP source port 0) is counted and dropped, a send the socket refuses and a packet whose handling
 * throws are counted and reported as `media-fault` ({@link LegFaults}), so one leg's trouble
 * never ends the process or the media worker with the other calls on it.
 */
export class MediaLeg extends TypedEmitter<MediaLegEvents> implements TickSubscriber {
  readonly id: string;
  readonly codec: LegCodec;
  readonly sender: RtpSender;
  private readonly o: MediaLegOptions;
  private readonly receiver: RtpLegReceiver;
  private readonly dtmfIn: LegDtmfReceiver;
  private readonly dtmfOut: LegDtmfSender;
  private readonly latch: SourceLatch;
  private readonly rtcp: LegRtcp;
  private readonly destination: RtpDestination;
  /** Connect the RTP socket once latched: only when nothing may move the remote but signalling. */
  private readonly connectWhenLatched: boolean;
  private readonly kinds: (RtpPayloadKind | undefined)[] = new Array<RtpPayloadKind | undefined>(128);
  private readonly extra: LegExtraCounters = {
    stray: 0,
    learning: 0,
    latches: 0,
    unusableSource: 0,
    sendErrors: 0,
    receiveErrors: 0,
    rtcpReceived: 0,
    rtcpMalformed: 0,
    socketErrors: 0,
  };
  private readonly encoded = new Uint8Array(FRAME_SAMPLES);
  private sink: RtpSink | undefined;
  private readonly watchdog: LegSilenceWatchdog;
  /** SSRC of the last accepted packet; the statistics adopt a source before it is accepted. */
  private acceptedSsrc: number | undefined;
  private closed = false;
  private readonly faults = new LegFaults(this.extra, (fault) => this.emit('media-fault', fault));

  constructor(options: MediaLegOptions) {
    super();
    this.o = options;
    this.id = options.id;
    this.codec = options.codec;
    const { payloadType, law, telephoneEventPayloadType: te } = options.codec;
    const payloadTypes: Record<number, RtpPayloadKind> = { [payloadType]: law };
    if (te !== undefined) payloadTypes[te] = 'telephone-event';
    for (const [pt, kind] of Object.entries(payloadTypes)) this.kinds[Number(pt)] = kind;
    this.receiver = new RtpLegReceiver({ payloadTypes });
    this.dtmfIn = new LegDtmfReceiver(law, options.inBandDtmf !== false, (event, payload) =>
      this.emit(event, payload),
    );
    this.latch = new SourceLatch(options.latch);
    this.latch.open(options.remote);
    const { rtp, rtcp } = options.sockets;
    this.destination = new RtpDestination(rtp, (error) => this.faults.fault('send', error));
    this.destination.point(this.latch.remote);
    this.connectWhenLatched = options.latch?.relatchAfterSilenceMs === undefined;
    this.sender = new RtpSender(options.runtime.random, (packet) => this.destination.send(packet), 160, {
      reuseBuffers: true,
    });
    this.dtmfOut = new LegDtmfSender(this.sender, options.runtime, te);
    this.rtcp = new LegRtcp({
      runtime: options.runtime,
      cname: options.cname ?? `${options.id}@switchboard`,
      sender: this.sender,
      statistics: this.receiver.statistics,
      socket: rtcp,
      counters: this.extra,
      onSendError: (error) => this.faults.fault('send', error),
      onReport: (report) => this.emit('rtcp-report', report),
      onBye: (ssrc) => this.emit('rtcp-bye', { ssrc }),
    });
    this.rtcp.pointAt(this.latch.remote, options.remote);
    this.watchdog = new LegSilenceWatchdog(options.runtime.clock.now(), options.noRtpTimeoutMs ?? 10_000, {
      onTimeout: (silentMs) => this.emit('rtp-timeout', { silentMs }),
      onResumed: (silentMs) => this.emit('rtp-resumed', { silentMs }),
    });
    // A throw out of a socket's message handler would be uncaught: count it and go on instead.
    rtp.on('message', (msg, rinfo) => {
      try {
        this.onRtp(msg, rinfo);
      } catch (error) {
        this.faults.fault('receive', error);
      }
    });
    rtcp.on('message', (msg, rinfo) => {
      try {
        this.onRtcp(msg, rinfo);
      } catch (error) {
        this.faults.fault('receive', error);
      }
    });
    const onError = () => void this.extra.socketErrors++;
    rtp.on('error', onError);
    rtcp.on('error', onError);
    options.ticker.subscribe(this);
    this.rtcp.start();
  }

  /** Local address and RTP port, for the SDP answer. */
  get local(): { address: string; rtpPort: number; rtcpPort: number } {
    const s = this.o.sockets;
    return { address: s.address, rtpPort: s.rtpPort, rtcpPort: s.rtcpPort };
  }

  /** Where media goes now. */
  get remote(): RemoteMedia | undefined {
    return this.latch.remote;
  }

  /** Signalling learned a (new) remote from SDP, e.g. in a re-INVITE: send there and relearn. */
  setRemote(remote: RemoteMedia): void {
    this.latch.open(remote);
    this.destination.point(this.latch.remote);
    this.rtcp.pointAt(this.latch.remote, remote);
    this.faults.remoteChanged();
  }

  /** Delivers accepted packets to `sink` (the bridge or conference), or to nobody. */
  setSink(sink: RtpSink | undefined): void {
    this.sink = sink;
  }

  /** Where accepted packets go now. */
  get currentSink(): RtpSink | undefined {
    return this.sink;
  }

  /** Sends one 20 ms frame already encoded in the leg's law. */
  sendFrame(payload: Uint8Array, marker = false): void {
    if (!this.closed)
      this.sender.sendFrame(this.codec.payloadType, payload, this.o.runtime.clock.now(), marker);
  }

  /** Encodes one frame of 8 kHz linear samples to the leg's law and sends it. */
  sendLinear(samples: Int16Array, marker = false): void {
    encodeG711(this.codec.law, samples, this.encoded, FRAME_SAMPLES);
    this.sendFrame(this.encoded, marker);
  }

  /**
   * Relays a packet received on another leg; `payload` when it had to be transcoded. `nowMs` is
   * the arrival time the other leg already read, which saves a clock read per relayed packet.
   */
  relay(packet: RtpPacketView, payloadType: number, payload?: Uint8Array, nowMs?: number): void {
    if (!this.closed) this.sender.relay(packet, payloadType, nowMs ?? this.o.runtime.clock.now(), payload);
  }

  /**
   * Sends a key press as RFC 4733 events (§2.5.1: start with marker, updates every 20 ms, three end
   * packets), paced by the ticker. Returns false when no telephone-event type was negotiated.
   */
  sendDtmf(digit: TelephoneEventName, durationMs = 100): boolean {
    return !this.closed && this.dtmfOut.send(digit, durationMs);
  }

  /** Current figures (allocates; for statistics and tests, not per packet). */
  stats(): MediaLegStats {
    const sent = this.sender.figures();
    return {
      receive: this.receiver.statistics.snapshot(),
      counters: { ...this.receiver.counters, ...this.extra },
      dtmf: this.dtmfIn.counters,
      sentPackets: sent.packets,
      sentOctets: sent.octets,
      rtcpSent: this.rtcp.packetsSent,
      lastRemoteReport: this.rtcp.lastRemoteReport,
      roundTripMs: this.rtcp.lastRoundTripMs,
      remote: this.latch.remote,
    };
  }

  /** Sends RTCP BYE, stops timers, releases the ports and emits `closed`. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.rtcp.stop();
    this.closed = true;
    this.faults.close();
    this.sink = undefined;
    this.o.ticker.unsubscribe(this);
    if (this.o.release) this.o.release(this.o.sockets);
    else {
      this.o.sockets.rtp.close();
      this.o.sockets.rtcp.close();
    }
    this.emit('closed', { stats: this.stats() });
    this.removeAllListeners();
  }

  /** Ticker hook: pending DTMF packets, DTMF end timeouts and the no-RTP watchdog. */
  onTick(frames: number, nowMs: number): void {
    this.dtmfOut.flush(nowMs);
    this.dtmfIn.expire(nowMs);
    this.watchdog.tick(frames, nowMs);
  }

  private onRtp(msg: Buffer, rinfo: ReceiveInfo): void {
    if (this.closed) return;
    // When the packet arrived, not when its batch was read: interarrival jitter (RFC 3550 §A.8)
    // and the jitter buffers' playout are figured from arrival times.
    const now = arrivalMs(this.o.runtime.clock.now(), rinfo);
    // Read once, into the receiver's own view: latching looks at the header before the receiver
    // classifies it (receiveRead).
    const view = this.receiver.packet;
    if (readRtpPacket(msg, view) !== 'ok' || this.kinds[view.payloadType] === undefined) {
      // Garbage and unknown payload types: let the receiver count them by kind.
      this.receiver.receive(msg, now);
      return;
    }
    const before = this.latch.remote;
    const verdict = this.latch.observe(rinfo.address, rinfo.port, view.ssrc, view.sequenceNumber, now);
    if (verdict === 'stray' || verdict === 'learning') {
      this.extra[verdict]++;
      return;
    }
    if (verdict === 'unusable') {
      this.extra.unusableSource++;
      return;
    }
    if (verdict === 'latched') this.onLatched(rinfo, before);
    // Connected only to the signalled address: the kernel would hide it from a socket connected to
    // a learnt source, and it must stay able to take the stream back (see SourceLatch).
    if (
      this.connectWhenLatched &&
      !this.destination.isLocked &&
      !this.latch.isLearning &&
      this.latch.onSignalled
    )
      this.destination.lock(this.latch.remote!);
    const kind = this.receiver.receiveRead(now);
    if (kind === 'dropped') return;
    const ssrc = this.receiver.packet.ssrc;
    if (ssrc !== this.acceptedSsrc) this.onSsrcChanged(ssrc);
    this.watchdog.alive(now);
    const packet = this.receiver.packet;
    if (kind === 'telephone-event') this.dtmfIn.receiveEvent(packet, now);
    else if (
      this.dtmfIn.hearsTones &&
      (this.sink === undefined || this.codec.telephoneEventPayloadType === undefined)
    )
      this.dtmfIn.receiveAudio(packet, now);
    this.sink?.receiveRtp(packet, kind, now);
  }

  private onLatched(rinfo: ReceiveInfo, previous: RemoteMedia | undefined): void {
    this.destination.point(this.latch.remote);
    this.extra.latches++;
    this.faults.remoteChanged();
    this.rtcp.followRtp(rinfo);
    this.emit('latched', { remote: { address: rinfo.address, port: rinfo.port }, previous });
  }

  private onSsrcChanged(ssrc: number): void {
    const previous = this.acceptedSsrc;
    this.acceptedSsrc = ssrc;
    this.dtmfIn.sourceChanged(previous !== undefined);
    this.emit('ssrc-changed', { ssrc, previous });
  }

  private onRtcp(msg: Buffer, rinfo: ReceiveInfo): void {
    if (!this.closed) this.rtcp.receive(msg, rinfo, this.latch.remote);
  }
}
