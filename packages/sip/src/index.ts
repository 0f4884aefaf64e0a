// Public API of @switchboard/sip: sans-I/O SIP (RFC 3261) and SDP (RFC 8866). Sockets live in apps/server.

// URIs (RFC 3261 §19.1, RFC 3966)
export { parseUri, scanUri, serializeUri, sipUri, unbracketHost } from './uri/uri';
export type { AbsoluteUri, SipUri, TelUri, Uri, UriHeader } from './uri/uri';
export { uriEquals } from './uri/uri-equals';

// Header values (RFC 3261 §20, §25)
export { createParams, paramText, serializeHeaderParams } from './header/params';
export type { Params } from './header/params';
export { parseNameAddr, serializeContactList, serializeNameAddr } from './header/name-addr';
export type { ContactList, NameAddr } from './header/name-addr';
export { BRANCH_MAGIC_COOKIE, createVia, hasMagicCookie, serializeVia } from './header/via';
export type { Via } from './header/via';
export { MAX_CSEQ, serializeCSeq } from './header/cseq';
export type { CSeq } from './header/cseq';
export { parseDeltaSeconds } from './header/scalar-headers';
export { quote, splitList, unquote } from './header/scanner';

// Messages (RFC 3261 §7)
export { canonicalHeaderName, COMPACT_FORMS, isKnownHeader, isListHeader } from './message/header-field';
export type { HeaderField } from './message/header-field';
export { getHeader, getHeaderLines, getHeaderValues, SipMethod, tagOf } from './message/sip-message';
export type { SipMessage, SipMessageBase, SipRequest, SipResponse } from './message/sip-message';
export type { SipParseCode, SipParseRejection } from './message/sip-rejection';
export { DEFAULT_MAX_HEADERS, DEFAULT_MAX_MESSAGE_SIZE, parseMessage } from './message/parse-message';
export type { ParseOptions, TransportFraming } from './message/parse-message';
export { serializeMessage, serializeMessageHead } from './message/serialize-message';
export type { SerializeOptions } from './message/serialize-message';
export { createErrorResponseBytes, createRequest, createResponse } from './message/create-message';
export type { RequestParts, ResponseOptions } from './message/create-message';
export { StreamFramer } from './message/stream-framer';
export type { StreamFrame, StreamFramerOptions } from './message/stream-framer';

// Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760)
export { hashNameOf, parseDigestAlgorithm, pureDigestHash, randomHex, toHex } from './auth/digest-hash';
export type { DigestAlgorithm, DigestHash, DigestHashName } from './auth/digest-hash';
export { md5 } from './auth/md5';
export { sha256 } from './auth/sha256';
export {
  parseDigestChallenge,
  parseDigestCredentials,
  serializeDigestChallenge,
  serializeDigestCredentials,
} from './auth/digest-params';
export type { DigestChallenge, DigestCredentials } from './auth/digest-params';
export { computeDigestResponse, computeHa1 } from './auth/digest-response';
export type { DigestResponseInput } from './auth/digest-response';
export { DigestServer } from './auth/digest-server';
export type {
  DigestRejectionCode,
  DigestSecret,
  DigestServerOptions,
  DigestVerifyInput,
} from './auth/digest-server';
export { NonceCounter } from './auth/nonce-counter';
export { createCnonce, createDigestAuthorization, selectDigestChallenge } from './auth/digest-client';
export type { DigestClientInput } from './auth/digest-client';

// SDP (RFC 8866) and offer/answer (RFC 3264)
export { parseAttribute, parseSdp } from './sdp/parse-sdp';
export { serializeSdp } from './sdp/serialize-sdp';
export {
  getAttribute,
  getAttributeValues,
  isOnHold,
  isStreamOnHold,
  mediaConnection,
  mediaDirection,
  usesIce,
} from './sdp/session-description';
export type {
  SdpAttribute,
  SdpConnection,
  SdpDirection,
  SdpMedia,
  SdpOrigin,
  SdpTiming,
  SessionDescription,
} from './sdp/session-description';
export { fmtpOf, parseRtpMap, rtpMaps, serializeRtpMap } from './sdp/codecs';
export type { RtpMap } from './sdp/codecs';
export { createAnswer } from './sdp/offer-answer';
export type { LocalAudio, NegotiatedAudio } from './sdp/offer-answer';
export { createOffer } from './sdp/create-offer';

// Transactions (RFC 3261 §17, RFC 6026) and dialogs (§12–§15) with the user-agent core
export * from './transaction';
export * from './dialog';
