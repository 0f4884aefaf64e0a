/**
 * True when media can be sent to `address`:`port`, so a leg may latch to it or take it from SDP.
 *
 * Not so for port 0: as a UDP source it means the sender expects no reply (RFC 768), and `dgram`
 * refuses it as a destination by throwing; in an SDP `m=` line it marks a disabled stream (RFC 3264
 * §6). Nor for the unspecified address (`0.0.0.0`, `::`), which in `c=` is the old way to put a
 * call on hold (RFC 3264 §8.4) and is no one's source. A port outside 1–65535 (an RTCP port
 * derived as RTP + 1 from 65535) is refused by `dgram` just the same.
 */
export function isSendable(address: string, port: number): boolean {
  return (
    Number.isInteger(port) &&
    port > 0 &&
    port < 65536 &&
    address !== '' &&
    address !== '0.0.0.0' &&
    address !== '::'
  );
}
