// The media I/O layer of the server: UDP sockets, the shared media clock, legs, players, bridges
// and recorders over the pure codec and packet logic of @switchboard/media.
export * from './bridge';
export * from './call-recorder';
export * from './media-clock';
export * from './media-error';
export * from './media-leg';
export * from './media-leg-types';
export * from './media-service';
export * from './media-ticker';
export * from './player';
export * from './playback-source';
export * from './prompt-clip';
export * from './recording-file';
export * from './rtcp-interval';
export * from './rtcp-session';
export * from './rtp-port-pool';
export * from './rtp-sender';
export * from './source-latch';
export * from './typed-emitter';
