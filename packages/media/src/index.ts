// Public surface of @switchboard/media: sans-I/O media for the contact center. Sockets, port pools
// and WebRTC live in apps/server and feed these functions bytes and timestamps.

// RTP (RFC 3550 §5, Appendix A)
export * from './rtp/rtp-packet';
export * from './rtp/sequence';
export * from './rtp/rtp-source';
export * from './rtp/receive-statistics';
export * from './rtp/rtp-leg-receiver';
export * from './rtp/rtp-clock-rate';
export * from './rtp/call-quality';

// RTCP (RFC 3550 §6)
export * from './rtcp/rtcp-packet';
export * from './rtcp/rtcp-compound';

// G.711 and framing
export * from './codec/g711';
export * from './codec/framing';
export * from './codec/pcm-frame-assembler';

// Opus packets and the receive timeline of a transcoded Opus stream (RFC 6716, RFC 7587)
export * from './codec/opus-packet';
export * from './codec/opus-receive-timeline';

// DTMF: RFC 4733 events and in-band detection
export * from './dtmf/telephone-event';
export * from './dtmf/telephone-event-receiver';
export * from './dtmf/telephone-event-sender';
export * from './dtmf/dtmf-detector';
export * from './dtmf/dtmf-arbiter';

// WAV prompts and recordings
export * from './wav/wav-format';
export * from './wav/wav-reader';
export * from './wav/wav-writer';
export * from './wav/wav-recover';
export * from './wav/resample';
export * from './wav/prompt-audio';

// Tones
export * from './tone/tone-plan';
export * from './tone/tone-generator';

// Jitter buffer and loss concealment
export * from './jitter/jitter-buffer';
export * from './jitter/packet-loss-concealment';

// Conference mixing
export * from './mixer/conference-mixer';
