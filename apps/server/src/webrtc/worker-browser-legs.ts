import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { MediaLeg } from '../media/media-leg';
import type { LegCodec } from '../media/media-leg-types';
import type {
  MediaWorkerEvent,
  WorkerBrowserLegOpened,
  WorkerOpenBrowserLeg,
} from '../media/media-worker-protocol';
import { WebRtcEndpoint } from './webrtc-endpoint';

/**
 * The browsers' WebRTC legs of one media worker, each in front of an RTP leg of the same worker:
 * werift's ICE, DTLS-SRTP and per-packet work run on the thread that relays, mixes and records
 * the call, and the main thread sees a few control messages per call. Loaded by the worker the
 * first time a browser leg opens there, so workers that never carry one never load werift.
 */
export class WorkerBrowserLegs {
  private readonly endpoints = new Map<string, WebRtcEndpoint>();

  constructor(private readonly post: (event: MediaWorkerEvent) => void) {}

  /** Browser legs open on this worker. */
  get size(): number {
    return this.endpoints.size;
  }

  /**
   * Answers (or makes) the browser's offer, then opens the RTP leg behind it with `openRtp`, the
   * worker's own leg opening, so the leg commands find it by `request.id`.
   */
  async open(
    request: WorkerOpenBrowserLeg,
    openRtp: (codec: LegCodec) => Promise<Result<MediaLeg, Rejection>>,
  ): Promise<Result<WorkerBrowserLegOpened, Rejection>> {
    const id = request.id;
    if (this.endpoints.has(id)) return reject('MEDIA.DUPLICATE_ID', `browser leg ${id} is open`);
    const opened = await WebRtcEndpoint.open(
      { legId: id, ...(request.remoteOffer === undefined ? {} : { remoteOffer: request.remoteOffer }) },
      openRtp,
      // The settings are the endpoint's options that can cross threads (no clock, no callback).
      { ...request.settings, onEvent: (leg, event) => this.post({ ev: 'browser', leg, event }) },
    );
    if (!opened.ok) return opened;
    const { endpoint, rtp } = opened.value;
    this.endpoints.set(id, endpoint);
    endpoint.onQuality((quality) => this.post({ ev: 'browser-quality', leg: id, quality }));
    return ok({ sdp: endpoint.localSdp, codec: rtp.codec, rtp: rtp.local });
  }

  /** The browser's answer to our offer; werift's refusal is reported as `answer-refused`. */
  acceptAnswer(id: string, sdp: string): void {
    const refused = this.endpoints.get(id)?.acceptAnswer(sdp);
    if (refused !== undefined && !refused.ok)
      this.post({
        ev: 'browser',
        leg: id,
        event: { type: 'answer-refused', code: refused.error.code, message: refused.error.message },
      });
  }

  /** A reloaded page's new offer, answered on a new transport of the same leg. */
  rejoin(id: string, offer: string): Promise<Result<string, Rejection>> {
    const endpoint = this.endpoints.get(id);
    if (endpoint === undefined)
      return Promise.resolve(
        reject('MEDIA.UNKNOWN_ID', `no browser leg ${id} on this media worker`, { id, status: 481 }),
      );
    return endpoint.rejoin(offer);
  }

  /**
   * Closes the WebRTC leg in front of RTP leg `id`; its quality is reported as it closes. The
   * worker calls it too when the RTP leg closes, before reporting that: no werift transport
   * outlives its call, and the quality reaches the main thread before the leg's end.
   */
  close(id: string): void {
    const endpoint = this.endpoints.get(id);
    if (endpoint === undefined) return;
    this.endpoints.delete(id);
    endpoint.close();
  }

  closeAll(): void {
    for (const id of [...this.endpoints.keys()]) this.close(id);
  }
}
