import type { RemoteInfo } from 'node:dgram';
import {
  DtmfArbiter,
  FRAME_SAMPLES,
  RtpLegReceiver,
  RtpPacketView,
  TelephoneEventReceiver,
  encodeG711,
  readRtpPacket,
  telephoneEventPackets,
  type DtmfNotice,
  type RtpPayloadKind,
  type TelephoneEventName,
  type TelephoneEventPacket,
} from '@switchboard/media';
import type {
  LegCodec,
  LegExtraCounters,
  MediaFault,
  MediaLegEvents,
  MediaLegOptions,
  MediaLegStats,
  RemoteMedia,
  RtpSink,
} from './media-leg-types';
import type { TickSubscriber } from './media-ticker';
import { InBandDtmf } from './in-band-dtmf';
import { RtcpSession, type RemoteReport } from './rtcp-session';
import { RtpDestination } from './rtp-destination';
import { RtpSender } from './rtp-sender';
import { isSendable } from './sendable-address';
import { SourceLatch } from './source-latch';
import { TypedEmitter } from './typed-emitter';

/** The watchdog looks at the receive side once a second (every 50 ticks), not every frame. */
const WATCHDOG_EVERY_FRAMES = 50;
/** How much tone the detector confirms before it reports: two 205-sample Goertzel blocks. */
const IN_BAND_CONFIRM_MS = 51;

/**
 * One RTP endpoint of a call: a bound RTP/RTCP port pair talking to one remote.
 *
 * Receive path, per datagram: parse (RFC 3550 §5.1) and check the payload type against the
 * negotiated codec, where garbage and unknown types are counted and dropped, never thrown; then
 * symmetric-RTP latching ({@link SourceLatch}); then source validation and statistics (§A.1, §A.3,
 * §A.8) with SSRC change detection (§8.2); then RFC 4733 events to the DTMF receiver (emitting
 * `dtmf-started` / `dtmf`) and every accepted packet to the {@link RtpSink} (the bridge).
 *
 * Send path: {@link sendFrame}/{@link sendLinear} for generated audio, {@link relay} for bridged
 * packets, {@link sendDtmf} for RFC 4733 digits paced on the shared ticker; always to the latched
 * (or signalled) remote, through a socket connected to it once latching closed
 * ({@link RtpDestination}), from reused buffers. RTCP SR/RR go out on the §6.3 interval; a
 * no-RTP watchdog emits `rtp-timeout` and `rtp-resumed`.
 *
 * Nothing a peer sends makes the leg throw: RTP or RTCP from a source media cannot go back to
 * (UDP source port 0) is counted and dropped, a send the socket refuses and a packet whose handling
 * throws are counted and reported as `media-fault` ({@link MediaFault}), so one leg's trouble
 * never ends the process or the media worker with the other calls on it.
 */
export class MediaLeg extends TypedEmitter<MediaLegEvents> implements TickSubscriber {
  readonly id: string;
  readonly codec: LegCodec;
  readonly sender: RtpSender;
  private readonly o: MediaLegOptions;
  private readonly receiver: RtpLegReceiver;
  private dtmfReceiver = new TelephoneEventReceiver();
  private readonly arbiter = new DtmfArbiter();
  private readonly inBand: InBandDtmf | undefined;
  /** The current RFC 4733 press duplicated an in-band one: its end is not reported either. */
  private eventSuppressed = false;
  private readonly latch: SourceLatch;
  private readonly rtcp: RtcpSession;
  private readonly destination: RtpDestination;
  /** Connect the RTP socket once latched: only when nothing may move the remote but signalling. */
  private readonly connectWhenLatched: boolean;
  private readonly scratch = new RtpPacketView();
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
  private rtcpRemote: { address: string; port: number } | undefined;
  private dtmfActive = false;
  private dtmfQueue: { dueMs: number; packet: TelephoneEventPacket }[] = [];
  private lastRtpMs: number;
  private timedOut = false;
  private framesSinceCheck = 0;
  private lastRemoteReport: RemoteReport | undefined;
  /** SSRC of the last accepted packet; the statistics adopt a source before it is accepted. */
  private acceptedSsrc: number | undefined;
  private closed = false;
  /** Faults reported since the remote last changed: each kind is reported once. */
  private readonly faults = new Set<MediaFault['kind']>();

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
    this.inBand = options.inBandDtmf === false ? undefined : new InBandDtmf(law);
    this.latch = new SourceLatch(options.latch);
    this.latch.open(options.remote);
    const { rtp, rtcp } = options.sockets;
    this.destination = new RtpDestination(rtp, (error) => this.fault('send', error));
    this.destination.point(this.latch.remote);
    this.connectWhenLatched = options.latch?.relatchAfterSilenceMs === undefined;
    this.sender = new RtpSender(options.runtime.random, (packet) => this.destination.send(packet), 160, {
      reuseBuffers: true,
    });
    this.rtcp = new RtcpSession({
      runtime: options.runtime,
      cname: options.cname ?? `${options.id}@switchboard`,
      sender: this.sender,
      statistics: this.receiver.statistics,
      send: (bytes) => this.sendRtcp(bytes),
    });
    this.rtcpRemote = this.latch.remote && rtcpAddressOf(options.remote);
    this.lastRtpMs = options.runtime.clock.now();
    // A throw out of a socket's message handler would be uncaught: count it and go on instead.
    rtp.on('message', (msg, rinfo) => {
      try {
        this.onRtp(msg, rinfo);
      } catch (error) {
        this.fault('receive', error);
      }
    });
    rtcp.on('message', (msg, rinfo) => {
      try {
        this.onRtcp(msg, rinfo);
      } catch (error) {
        this.fault('receive', error);
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
    this.rtcpRemote = this.latch.remote && rtcpAddressOf(remote);
    this.faults.delete('send');
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
    const pt = this.codec.telephoneEventPayloadType;
    if (pt === undefined || this.closed) return false;
    const now = this.o.runtime.clock.now();
    const packets = telephoneEventPackets({
      event: digit,
      durationMs,
      timestamp: this.sender.nextTimestamp(),
      sequenceNumber: 0,
    });
    for (const packet of packets) this.dtmfQueue.push({ dueMs: now + packet.sendAtMs, packet });
    return true;
  }

  /** Current figures (allocates; for statistics and tests, not per packet). */
  stats(): MediaLegStats {
    const sent = this.sender.figures();
    return {
      receive: this.receiver.statistics.snapshot(),
      counters: { ...this.receiver.counters, ...this.extra },
      dtmf: this.dtmfReceiver.counters,
      sentPackets: sent.packets,
      sentOctets: sent.octets,
      rtcpSent: this.rtcp.packetsSent,
      lastRemoteReport: this.lastRemoteReport,
      remote: this.latch.remote,
    };
  }

  /** Sends RTCP BYE, stops timers, releases the ports and emits `closed`. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.rtcp.stop();
    this.closed = true;
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
    if (this.dtmfQueue.length > 0) this.flushDtmf(nowMs);
    if (this.dtmfActive) this.handleNotices(this.dtmfReceiver.expire(nowMs), nowMs);
    this.framesSinceCheck += frames;
    if (this.framesSinceCheck < WATCHDOG_EVERY_FRAMES) return;
    this.framesSinceCheck = 0;
    const silentMs = nowMs - this.lastRtpMs;
    if (!this.timedOut && silentMs >= (this.o.noRtpTimeoutMs ?? 10_000)) {
      this.timedOut = true;
      this.emit('rtp-timeout', { silentMs });
    }
  }

  private onRtp(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return;
    const now = this.o.runtime.clock.now();
    const view = this.scratch;
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
    if (this.connectWhenLatched && !this.destination.isLocked && !this.latch.isLearning)
      this.destination.lock(this.latch.remote!);
    const kind = this.receiver.receive(msg, now);
    if (kind === 'dropped') return;
    const ssrc = this.receiver.packet.ssrc;
    if (ssrc !== this.acceptedSsrc) this.onSsrcChanged(ssrc);
    this.markAlive(now);
    const packet = this.receiver.packet;
    if (kind === 'telephone-event')
      this.handleNotices(
        this.dtmfReceiver.receive(packet.timestamp, packet.marker, packet.payload(), now),
        now,
      );
    else if (
      this.inBand !== undefined &&
      (this.sink === undefined || this.codec.telephoneEventPayloadType === undefined)
    )
      this.detectInBand(this.inBand, packet, now);
    this.sink?.receiveRtp(packet, kind, now);
  }

  private onLatched(rinfo: RemoteInfo, previous: RemoteMedia | undefined): void {
    this.extra.latches++;
    this.faults.delete('send');
    // Symmetric RTCP follows the RTP source until RTCP itself arrives from somewhere (onRtcp).
    this.rtcpRemote = { address: rinfo.address, port: rinfo.port + 1 };
    this.emit('latched', { remote: { address: rinfo.address, port: rinfo.port }, previous });
  }

  private onSsrcChanged(ssrc: number): void {
    const previous = this.acceptedSsrc;
    this.acceptedSsrc = ssrc;
    // Event timestamps of the old source mean nothing for the new one.
    if (previous !== undefined) this.dtmfReceiver = new TelephoneEventReceiver();
    this.inBand?.reset();
    this.dtmfActive = false;
    this.emit('ssrc-changed', { ssrc, previous });
  }

  private markAlive(now: number): void {
    if (this.timedOut) {
      this.timedOut = false;
      this.emit('rtp-resumed', { silentMs: now - this.lastRtpMs });
    }
    this.lastRtpMs = now;
  }

  private handleNotices(notices: readonly DtmfNotice[], nowMs: number): void {
    for (const n of notices) {
      this.dtmfActive = n.type === 'started';
      if (n.type === 'started') {
        this.eventSuppressed = !this.arbiter.started('rfc4733', n.event, nowMs, true);
        if (!this.eventSuppressed) this.emit('dtmf-started', { digit: n.event, source: 'rfc4733' });
      } else if (!this.eventSuppressed) {
        this.arbiter.ended('rfc4733', nowMs);
        this.emit('dtmf', { digit: n.event, durationMs: (n.duration * 1000) / 8000, source: 'rfc4733' });
      } else this.eventSuppressed = false;
    }
  }

  private detectInBand(detector: InBandDtmf, packet: RtpPacketView, nowMs: number): void {
    const digits = detector.process(packet);
    for (let i = 0; i < digits.length; i++) {
      const digit = digits[i]!.digit;
      if (!this.arbiter.started('in-band', digit, nowMs)) continue;
      this.emit('dtmf-started', { digit, source: 'in-band' });
      this.emit('dtmf', { digit, durationMs: IN_BAND_CONFIRM_MS, source: 'in-band' });
    }
  }

  private flushDtmf(nowMs: number): void {
    const pt = this.codec.telephoneEventPayloadType!;
    while (this.dtmfQueue.length > 0 && this.dtmfQueue[0]!.dueMs <= nowMs) {
      const { packet } = this.dtmfQueue.shift()!;
      this.sender.sendEvent(pt, packet.payload, packet.timestamp, packet.marker, nowMs);
    }
  }

  private onRtcp(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return;
    if (!isSendable(rinfo.address, rinfo.port)) {
      this.extra.unusableSource++;
      return;
    }
    const result = this.rtcp.receive(msg, this.o.runtime.clock.now());
    if (!result.ok) {
      this.extra.rtcpMalformed++;
      return;
    }
    this.extra.rtcpReceived++;
    if (this.latch.remote?.address === rinfo.address)
      this.rtcpRemote = { address: rinfo.address, port: rinfo.port };
    for (const report of result.reports) {
      this.lastRemoteReport = report;
      this.emit('rtcp-report', report);
    }
    if (result.bye) this.emit('rtcp-bye', { ssrc: this.receiver.statistics.ssrc });
  }

  private sendRtcp(bytes: Uint8Array): void {
    const remote = this.rtcpRemote;
    // RTP + 1 from RTP port 65535 is no port: RTCP then stays unsent, as for no remote at all.
    if (remote === undefined || !isSendable(remote.address, remote.port)) return;
    try {
      this.o.sockets.rtcp.send(bytes, remote.port, remote.address);
    } catch (error) {
      this.fault('send', error);
    }
  }

  /** Counts a refused send or a failed receive and reports the first of its kind. */
  private fault(kind: MediaFault['kind'], error: unknown): void {
    this.extra[kind === 'send' ? 'sendErrors' : 'receiveErrors']++;
    if (this.closed || this.faults.has(kind)) return;
    this.faults.add(kind);
    const code = (error as { code?: unknown } | undefined)?.code;
    const fault: MediaFault = {
      kind,
      code: typeof code === 'string' ? code : 'ERR_UNKNOWN',
      message: error instanceof Error ? error.message : String(error),
    };
    try {
      this.emit('media-fault', fault);
    } catch {
      // Reported from inside packet handlers and ticks: a listener's own bug must not escape here.
    }
  }
}

function rtcpAddressOf(remote: RemoteMedia | undefined): { address: string; port: number } | undefined {
  return remote && { address: remote.address, port: remote.rtcpPort ?? remote.port + 1 };
}
