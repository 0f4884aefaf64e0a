import { err, reject, type Err, type Rejection, type Result } from '@switchboard/kernel';
import type { OpenEndpointRequest } from '../calls';
import {
  sipStatusOfMediaRejection,
  type BackendLeg,
  type BackendOpenLeg,
  type LegCodec,
  type MediaBackend,
} from '../media';
import {
  HostedWebRtcEndpoint,
  WebRtcEndpoint,
  type BrowserEndpoint,
  type WebRtcEndpointOptions,
} from '../webrtc';
import { codecOf, negotiate } from './media-service-sdp';

/**
 * Our own offers (agent devices, callbacks) list PCMU only: a leg's law is fixed when its sockets
 * open, before the answer says which law the remote picked.
 */
const OFFER_CODEC: LegCodec = { law: 'pcmu', payloadType: 0, telephoneEventPayloadType: 101 };

/**
 * The RTP leg of a plain endpoint, in the law the remote's offer agreed (RFC 3264 §6), or PCMU
 * for our own offer; `near` is the media leg it will likely be connected to.
 */
export async function openRtpLeg(
  backend: MediaBackend,
  request: OpenEndpointRequest,
  near: string | undefined,
): Promise<Result<BackendLeg, Rejection>> {
  const offer = request.remoteOffer === undefined ? undefined : negotiate(request.remoteOffer, 'sendrecv');
  if (offer !== undefined && !offer.ok) return offer;
  const codec = offer === undefined ? OFFER_CODEC : codecOf(offer.value);
  const remote = offer?.value.remote;
  return openLeg(backend, {
    id: request.legId,
    codec,
    ...(remote ? { remote } : {}),
    ...(near === undefined ? {} : { near }),
  });
}

/**
 * A browser softphone's legs: a WebRTC leg (our offer, or our answer to the browser's) relayed to
 * a plain RTP leg of the backend, so bridges, recordings, music and prompts treat it like any
 * other leg and PCMU crosses untouched. Where the backend has media workers, both legs open on
 * one of them (werift stays off this thread); a virtual clock (`options.runtime`) keeps the
 * WebRTC leg here, where that clock runs.
 */
export async function openBrowserLeg(
  backend: MediaBackend,
  request: OpenEndpointRequest,
  near: string | undefined,
  options: WebRtcEndpointOptions,
): Promise<Result<{ readonly endpoint: BrowserEndpoint; readonly rtp: BackendLeg }, Rejection>> {
  const open = {
    legId: request.legId,
    ...(request.remoteOffer === undefined ? {} : { remoteOffer: request.remoteOffer }),
  };
  const onWorker = backend.openBrowserLeg;
  if (onWorker !== undefined && options.runtime === undefined) {
    const opened = await HostedWebRtcEndpoint.open(
      (request, onReport) => onWorker.call(backend, request, onReport),
      { ...open, ...(near === undefined ? {} : { near }) },
      options,
    );
    return opened.ok ? opened : withSipStatus(opened.error);
  }
  return WebRtcEndpoint.open(
    open,
    (codec) => openLeg(backend, { id: request.legId, codec, ...(near === undefined ? {} : { near }) }),
    options,
  );
}

/** A leg the backend could not open is refused with the SIP status its cause deserves (e.g. 503). */
async function openLeg(
  backend: MediaBackend,
  request: BackendOpenLeg,
): Promise<Result<BackendLeg, Rejection>> {
  const leg = await backend.openLeg(request);
  return leg.ok ? leg : withSipStatus(leg.error);
}

/**
 * A refusal with the SIP status its cause deserves; a WebRTC refusal from a media worker already
 * carries its own (488 for an offer without PCMU or Opus).
 */
function withSipStatus(error: Rejection): Err<Rejection> {
  if (typeof error.details?.['status'] === 'number') return err(error);
  const { status } = sipStatusOfMediaRejection(error);
  return reject(error.code, error.message, { ...error.details, status });
}
