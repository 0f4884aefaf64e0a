import { ok, type Rejection, type Result } from '@switchboard/kernel';
import type { CallQuality } from '@switchboard/media';
import type {
  BackendBrowserLeg,
  BackendLeg,
  BackendOpenBrowserLeg,
  MediaBackend,
} from '../media/media-backend';
import type { BrowserLegReport } from '../media/media-worker-protocol';
import {
  usableAnswer,
  type BrowserEndpoint,
  type OpenWebRtcEndpoint,
  type WebRtcEndpointOptions,
} from './webrtc-endpoint';

/** How a backend with media workers opens a browser's legs there (`MediaBackend.openBrowserLeg`). */
export type OpenHostedBrowserLeg = NonNullable<MediaBackend['openBrowserLeg']>;

/**
 * A browser softphone's media whose WebRTC leg runs on a media worker, next to its RTP leg
 * (`WorkerBrowserLegs`): werift's ICE, DTLS-SRTP and per-packet work stay off the main thread,
 * which keeps signalling and the API. Signalling drives it exactly like a {@link WebRtcEndpoint};
 * the answer is checked here so that a useless one ends the call at once.
 */
export class HostedWebRtcEndpoint implements BrowserEndpoint {
  private readonly qualityListeners: ((quality: CallQuality) => void)[] = [];
  private sdp: string;

  private constructor(
    private readonly hosted: BackendBrowserLeg,
    /** The browser's description is applied: it offered, or it answered our offer. */
    private answered: boolean,
  ) {
    this.sdp = hosted.sdp;
  }

  /**
   * Opens the browser's WebRTC leg and its RTP leg on the worker of `near` (or the least loaded
   * one). A refusal carries the SIP status, as {@link WebRtcEndpoint.open}'s does.
   */
  static async open(
    openHosted: OpenHostedBrowserLeg,
    request: OpenWebRtcEndpoint & { readonly near?: string },
    options: WebRtcEndpointOptions,
  ): Promise<Result<{ readonly endpoint: HostedWebRtcEndpoint; readonly rtp: BackendLeg }, Rejection>> {
    const { ice, noRtpTimeoutMs, connectTimeoutMs } = options;
    const open: BackendOpenBrowserLeg = {
      id: request.legId,
      ...(request.remoteOffer === undefined ? {} : { remoteOffer: request.remoteOffer }),
      ...(request.near === undefined ? {} : { near: request.near }),
      settings: {
        ...(ice === undefined ? {} : { ice }),
        ...(noRtpTimeoutMs === undefined ? {} : { noRtpTimeoutMs }),
        ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      },
    };
    // Reports can only follow the reply, but their listener is given with the request.
    const to: { endpoint?: HostedWebRtcEndpoint } = {};
    const opened = await openHosted(open, (report) => to.endpoint?.report(request.legId, report, options));
    if (!opened.ok) return opened;
    const endpoint = new HostedWebRtcEndpoint(opened.value, request.remoteOffer !== undefined);
    to.endpoint = endpoint;
    return ok({ endpoint, rtp: opened.value.rtp });
  }

  get localSdp(): string {
    return this.sdp;
  }

  acceptAnswer(answerSdp: string): Result<void, Rejection> {
    if (this.answered) return ok(undefined);
    const usable = usableAnswer(answerSdp);
    if (!usable.ok) return usable;
    this.answered = true;
    this.hosted.acceptAnswer(answerSdp);
    return ok(undefined);
  }

  async rejoin(offerSdp: string): Promise<Result<string, Rejection>> {
    const answered = await this.hosted.rejoin(offerSdp);
    if (answered.ok) {
      this.answered = true;
      this.sdp = answered.value;
    }
    return answered;
  }

  onQuality(listener: (quality: CallQuality) => void): void {
    this.qualityListeners.push(listener);
  }

  close(): void {
    this.hosted.close();
  }

  private report(legId: string, report: BrowserLegReport, options: WebRtcEndpointOptions): void {
    if (report.ev === 'browser') options.onEvent?.(legId, report.event);
    else for (const listener of this.qualityListeners) listener(report.quality);
  }
}
