import { reject, type Rejection, type Result } from '@switchboard/kernel';
import { callQuality } from '@switchboard/media';
import {
  ReportListeners,
  type LegId,
  type MediaAudioReport,
  type MediaEndpointId,
  type MediaFaultReport,
  type MediaQualityReport,
} from '../calls';
import type { BackendLeg, LegAudio, MediaLegStats } from '../media';
import type { BrowserEndpoint, WebRtcEndpointEvent } from '../webrtc';

/** One open endpoint of the media service port: a call leg's RTP leg and what plays into it. */
export interface MediaServiceEndpoint {
  readonly id: MediaEndpointId;
  readonly legId: LegId;
  readonly leg: BackendLeg;
  readonly playback: LegAudio;
  /** The `o=` session version of our SDP (RFC 4566 §5.2), raised by each new offer or answer. */
  version: number;
  /** A browser softphone's WebRTC side, relayed to `leg`: its SDP is the one signalled. */
  readonly webrtc?: BrowserEndpoint;
}

/**
 * The open endpoints of the media service port, by endpoint id and by call leg, and what their
 * legs report: key presses to `onDigit`, no-RTP reports and media faults to the subscribers, each
 * tagged with the endpoint and call leg call control knows. A report about an endpoint already
 * released is dropped: its call has moved on.
 */
export class MediaEndpoints {
  private readonly byId = new Map<MediaEndpointId, MediaServiceEndpoint>();
  private readonly byLeg = new Map<LegId, MediaServiceEndpoint>();
  private readonly audioListeners = new ReportListeners<MediaAudioReport>();
  private readonly faultListeners = new ReportListeners<MediaFaultReport>();
  private readonly qualityListeners = new ReportListeners<MediaQualityReport>();
  private seq = 0;

  constructor(
    /** A key the caller pressed (RFC 4733 or in-band). */
    private readonly onDigit?: (legId: LegId, digit: string) => void,
  ) {}

  /** Endpoints not yet released. */
  get size(): number {
    return this.byId.size;
  }

  get(id: MediaEndpointId): MediaServiceEndpoint | undefined {
    return this.byId.get(id);
  }

  /** The endpoint serving call leg `legId`, while it is open. */
  ofLeg(legId: LegId): MediaServiceEndpoint | undefined {
    return this.byLeg.get(legId);
  }

  /** Every open endpoint's id (a copy: releasing while iterating is fine). */
  ids(): MediaEndpointId[] {
    return [...this.byId.keys()];
  }

  /** Registers a newly opened leg as the endpoint of call leg `legId` and listens to it. */
  add(legId: LegId, leg: BackendLeg, playback: LegAudio, webrtc?: BrowserEndpoint): MediaServiceEndpoint {
    const e: MediaServiceEndpoint = {
      id: `rtp-${++this.seq}`,
      legId,
      leg,
      playback,
      version: 1,
      ...(webrtc === undefined ? {} : { webrtc }),
    };
    const onDigit = this.onDigit;
    if (onDigit !== undefined) leg.on('dtmf', ({ digit }) => onDigit(legId, digit));
    // A browser's silence and quality are its WebRTC leg's to report: the RTP leg behind it only
    // hears the gateway, on loopback.
    if (webrtc === undefined) {
      leg.on('rtp-timeout', ({ silentMs }) => this.reportAudio(e, 'lost', silentMs));
      leg.on('rtp-resumed', ({ silentMs }) => this.reportAudio(e, 'restored', silentMs));
      leg.on('closed', ({ stats }) => this.reportQuality(e, stats));
    } else webrtc.onQuality((quality) => this.qualityListeners.emit({ endpoint: e.id, legId, quality }));
    // A browser's RTP leg faults too: what it cannot send to the gateway never reaches the browser.
    leg.on('media-fault', (fault) => this.reportFault(e, fault));
    this.byId.set(e.id, e);
    this.byLeg.set(legId, e);
    return e;
  }

  /** Forgets a released endpoint; its call leg keeps a newer endpoint if it has one. */
  remove(e: MediaServiceEndpoint): void {
    this.byId.delete(e.id);
    if (this.byLeg.get(e.legId) === e) this.byLeg.delete(e.legId);
  }

  /** Subscribes to the no-RTP reports of every endpoint. */
  onAudioReport(listener: (report: MediaAudioReport) => void): () => void {
    return this.audioListeners.add(listener);
  }

  /** Subscribes to the media faults of every endpoint's RTP leg. */
  onMediaFault(listener: (report: MediaFaultReport) => void): () => void {
    return this.faultListeners.add(listener);
  }

  /**
   * Subscribes to the call quality of every endpoint, reported when its leg has closed (after the
   * endpoint's release, when the leg was on a media worker); a browser's is its WebRTC transport's.
   */
  onQualityReport(listener: (report: MediaQualityReport) => void): () => void {
    return this.qualityListeners.add(listener);
  }

  /** The no-RTP watchdog of a browser's WebRTC leg, reported like an RTP leg's. */
  webRtcEvent(legId: LegId, event: WebRtcEndpointEvent): void {
    if (event.type !== 'rtp-timeout' && event.type !== 'rtp-resumed') return;
    const e = this.byLeg.get(legId);
    if (e?.webrtc !== undefined)
      this.reportAudio(e, event.type === 'rtp-timeout' ? 'lost' : 'restored', event.silentMs);
  }

  private reportAudio(e: MediaServiceEndpoint, kind: MediaAudioReport['kind'], silentForMs: number): void {
    if (!this.byId.has(e.id)) return;
    this.audioListeners.emit({ endpoint: e.id, legId: e.legId, kind, silentForMs });
  }

  /** A leg that received nothing has no quality to tell (its silence is the watchdog's to report). */
  private reportQuality(e: MediaServiceEndpoint, stats: MediaLegStats | undefined): void {
    if (stats === undefined || stats.receive.packetsReceived === 0) return;
    const report = stats.lastRemoteReport;
    const farEnd = report === undefined ? undefined : { ...report, roundTripMs: stats.roundTripMs };
    const quality = callQuality(stats.receive, stats.sentPackets, farEnd);
    this.qualityListeners.emit({ endpoint: e.id, legId: e.legId, quality });
  }

  private reportFault(
    e: MediaServiceEndpoint,
    fault: Pick<MediaFaultReport, 'kind' | 'code' | 'message'>,
  ): void {
    if (!this.byId.has(e.id)) return;
    const { kind, code, message } = fault;
    this.faultListeners.emit({ endpoint: e.id, legId: e.legId, kind, code, message });
  }
}

/** The rejection of a call naming an endpoint that is not open (never opened, or released). */
export function unknownEndpoint(id: string): Result<never, Rejection> {
  return reject('MEDIA.UNKNOWN_ENDPOINT', 'No such media endpoint', { endpoint: id });
}
