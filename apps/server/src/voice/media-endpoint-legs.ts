import { reject, type Rejection, type Result } from '@switchboard/kernel';
import type { OpenEndpointRequest } from '../calls';
import {
  sipStatusOfMediaRejection,
  type BackendLeg,
  type BackendOpenLeg,
  type LegCodec,
  type MediaBackend,
} from '../media';
import { WebRtcEndpoint, type WebRtcEndpointOptions } from '../webrtc';
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
 * other leg and PCMU crosses untouched.
 */
export function openBrowserLeg(
  backend: MediaBackend,
  request: OpenEndpointRequest,
  near: string | undefined,
  options: WebRtcEndpointOptions,
): Promise<Result<{ readonly endpoint: WebRtcEndpoint; readonly rtp: BackendLeg }, Rejection>> {
  return WebRtcEndpoint.open(
    {
      legId: request.legId,
      ...(request.remoteOffer === undefined ? {} : { remoteOffer: request.remoteOffer }),
    },
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
  if (leg.ok) return leg;
  const { status } = sipStatusOfMediaRejection(leg.error);
  return reject(leg.error.code, leg.error.message, { ...leg.error.details, status });
}
