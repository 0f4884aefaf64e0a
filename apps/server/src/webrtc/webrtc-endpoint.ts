import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { CallQuality } from '@switchboard/media';
import type { MediaRuntime } from '../media/media-clock';
import type { LegCodec, RemoteMedia } from '../media/media-leg-types';
import { chooseAudioCodec } from './offer-codecs';
import type { PeerIceOptions } from './peer-transport';
import { sipStatusOfWebRtcRejection } from './webrtc-rejection';
import { WEBRTC_OFFER_CODEC, WebRtcLeg, type WebRtcLegEvents } from './webrtc-leg';
import { WebRtcRtpGateway } from './webrtc-rtp-gateway';

/** How the server's WebRTC legs are built; shared by every browser endpoint. */
export interface WebRtcEndpointOptions {
  readonly ice?: PeerIceOptions;
  /** "No audio" after this much time without RTP from the browser; default 10 s. */
  readonly noRtpTimeoutMs?: number;
  /** ICE and DTLS must complete within this after the answer; default 10 s. */
  readonly connectTimeoutMs?: number;
  readonly runtime?: MediaRuntime;
  /** What happened to a browser's transport or audio, by call leg id (no-audio, failure, rejoin). */
  readonly onEvent?: (legId: string, event: WebRtcEndpointEvent) => void;
}

/** The leg events worth a call event: the transport's fate and the no-RTP watchdog. */
export type WebRtcEndpointEvent =
  | { readonly type: 'transport-connected'; readonly generation: number }
  | ({ readonly type: 'transport-failed' } & WebRtcLegEvents['transport-failed'])
  | { readonly type: 'transport-closed'; readonly generation: number }
  | { readonly type: 'rejoined'; readonly generation: number }
  | { readonly type: 'rtp-timeout'; readonly silentMs: number }
  | { readonly type: 'rtp-resumed'; readonly silentMs: number }
  | { readonly type: 'answer-refused'; readonly code: string; readonly message: string };

/** What {@link WebRtcEndpoint.open} is asked for. */
export interface OpenWebRtcEndpoint {
  readonly legId: string;
  /** The browser's offer (it called us); absent when we call it and offer first. */
  readonly remoteOffer?: string;
}

/** What the endpoint needs of the RTP leg behind it: a backend's leg, or a worker's own `MediaLeg`. */
export interface EndpointRtpLeg {
  readonly local: { readonly address: string; readonly rtpPort: number };
  setRemote(remote: RemoteMedia): void;
  close(): void;
}

/**
 * What signalling drives of a browser's media, wherever its WebRTC leg runs: this thread
 * ({@link WebRtcEndpoint}) or a media worker (`HostedWebRtcEndpoint`).
 */
export interface BrowserEndpoint {
  /** Our last SDP (offer, answer, or the answer of the last rejoin), candidates included. */
  readonly localSdp: string;
  /** The browser's answer to our offer; a useless one (no PCMU or Opus) is refused at once. */
  acceptAnswer(answerSdp: string): Result<void, Rejection>;
  /** A reloaded page's new offer: answered on a new transport, the RTP leg untouched. */
  rejoin(offerSdp: string): Promise<Result<string, Rejection>>;
  /** Hears the browser's call quality once, when its leg closes, if it was ever heard. */
  onQuality(listener: (quality: CallQuality) => void): void;
  close(): void;
}

/**
 * A browser softphone's media as the media layer sees it: a {@link WebRtcLeg} (ICE,
 * DTLS-SRTP, PCMU) relayed through a {@link WebRtcRtpGateway} to a plain RTP leg of the media
 * backend, which the bridges, recorders and players use like any other leg. Our SDP is the
 * WebRTC leg's (offer or answer), never the RTP leg's.
 */
export class WebRtcEndpoint implements BrowserEndpoint {
  private constructor(
    private readonly leg: WebRtcLeg,
    private readonly gateway: WebRtcRtpGateway,
    private readonly options: WebRtcEndpointOptions,
    private lastSdp: string,
    /** The browser's description is applied: it offered, or it answered our offer. */
    private answered: boolean,
  ) {}

  /** Our last SDP (offer, answer, or the answer of the last rejoin), candidates included. */
  get localSdp(): string {
    return this.lastSdp;
  }

  /**
   * Answers the browser's offer, or makes ours, then opens the RTP leg in the same law and
   * payload types (`openRtp`) and the gateway between them. A refusal carries the SIP status
   * (`details.status`: 488 for an offer without PCMU, 503 when ICE gathering timed out).
   */
  static async open<L extends EndpointRtpLeg>(
    request: OpenWebRtcEndpoint,
    openRtp: (codec: LegCodec) => Promise<Result<L, Rejection>>,
    options: WebRtcEndpointOptions,
  ): Promise<Result<{ readonly endpoint: WebRtcEndpoint; readonly rtp: L }, Rejection>> {
    const leg = new WebRtcLeg({
      id: request.legId,
      ...(options.ice === undefined ? {} : { ice: options.ice }),
      ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
      ...(options.noRtpTimeoutMs === undefined ? {} : { noRtpTimeoutMs: options.noRtpTimeoutMs }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    });
    const sdp = request.remoteOffer === undefined ? await leg.offer() : await leg.answer(request.remoteOffer);
    if (!sdp.ok) {
      leg.close();
      return withSipStatus(sdp.error);
    }
    const rtp = await openRtp(request.remoteOffer === undefined ? WEBRTC_OFFER_CODEC : leg.codec);
    if (!rtp.ok) {
      leg.close();
      return rtp;
    }
    let gateway: WebRtcRtpGateway;
    try {
      const { address, rtpPort } = rtp.value.local;
      gateway = await WebRtcRtpGateway.open(leg, { address, port: rtpPort });
    } catch (cause) {
      leg.close();
      rtp.value.close();
      const message = cause instanceof Error ? cause.message : String(cause);
      return reject('WEBRTC.GATEWAY_FAILED', `no local socket for the browser's RTP: ${message}`, {
        status: 503,
      });
    }
    rtp.value.setRemote({ ...gateway.local, rtcpPort: gateway.local.port });
    const endpoint = new WebRtcEndpoint(leg, gateway, options, sdp.value, request.remoteOffer !== undefined);
    endpoint.forwardEvents(request.legId);
    return ok({ endpoint, rtp: rtp.value });
  }

  /**
   * The browser's answer to our offer (its 2xx). Checked here, so a useless answer (no PCMU)
   * ends the call at once; applied in the background, where a refusal by werift is reported as
   * an `answer-refused` event. A later answer (to a re-offer of the same session) changes nothing.
   */
  acceptAnswer(answerSdp: string): Result<void, Rejection> {
    if (this.answered) return ok(undefined);
    const usable = usableAnswer(answerSdp);
    if (!usable.ok) return usable;
    this.answered = true;
    void this.leg.acceptAnswer(answerSdp).then((applied) => {
      if (!applied.ok)
        this.options.onEvent?.(this.leg.id, {
          type: 'answer-refused',
          code: applied.error.code,
          message: applied.error.message,
        });
    });
    return ok(undefined);
  }

  /**
   * A new offer from the browser for the same call (a reloaded page's INVITE with Replaces,
   * RFC 3891): answered by the same {@link WebRtcLeg} on a new ICE/DTLS transport, so the
   * gateway, the RTP leg and the bridge, recording and players on it carry on untouched. A
   * refusal carries the SIP status (488 for an offer without PCMU) and keeps the old transport.
   */
  async rejoin(offerSdp: string): Promise<Result<string, Rejection>> {
    const answered = await this.leg.answer(offerSdp);
    if (!answered.ok) return withSipStatus(answered.error);
    this.answered = true;
    this.lastSdp = answered.value;
    return answered;
  }

  /** Where the leg stands (`connected` once ICE and DTLS are up). */
  get state(): WebRtcLeg['state'] {
    return this.leg.state;
  }

  /**
   * Hears the browser leg's call quality once, when it closes, if the browser was ever heard: the
   * figures of its WebRTC transport, not those of the RTP leg behind the gateway (on loopback).
   */
  onQuality(listener: (quality: CallQuality) => void): void {
    this.leg.on('closed', ({ quality }) => {
      if (quality !== undefined) listener(quality);
    });
  }

  /** Closes the gateway and the WebRTC leg (the RTP leg is the media backend's to close). */
  close(): void {
    this.gateway.close();
    this.leg.close();
  }

  private forwardEvents(legId: string): void {
    const report = this.options.onEvent;
    if (report === undefined) return;
    this.leg.on('transport-connected', (e) => report(legId, { type: 'transport-connected', ...e }));
    this.leg.on('transport-failed', (e) => report(legId, { type: 'transport-failed', ...e }));
    this.leg.on('transport-closed', (e) => report(legId, { type: 'transport-closed', ...e }));
    this.leg.on('rejoined', (e) => report(legId, { type: 'rejoined', ...e }));
    this.leg.on('rtp-timeout', (e) => report(legId, { type: 'rtp-timeout', ...e }));
    this.leg.on('rtp-resumed', (e) => report(legId, { type: 'rtp-resumed', ...e }));
  }
}

/**
 * Whether the browser's answer to our offer can be used (it has PCMU or Opus): checked when it
 * arrives, wherever the leg runs, so a useless answer ends the call at once.
 */
export function usableAnswer(answerSdp: string): Result<void, Rejection> {
  const choice = chooseAudioCodec(answerSdp);
  return choice.ok ? ok(undefined) : withSipStatus(choice.error);
}

/** A WebRTC refusal with the SIP status it deserves in `details.status` (488, 503…). */
function withSipStatus(error: Rejection): Result<never, Rejection> {
  const { status } = sipStatusOfWebRtcRejection(error);
  return reject(error.code, error.message, { ...error.details, status });
}
