// Public surface of the WebRTC context: the browser softphone's media leg and its endpoint in
// the media layer. Signalling (`../telephony`, `../calls`) is never imported from here.
export * from './hosted-webrtc-endpoint';
export * from './webrtc-endpoint';
export * from './webrtc-leg';
export * from './webrtc-rejection';
export type { PeerIceOptions } from './peer-transport';
