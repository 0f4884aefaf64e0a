import { serializeUri } from '../uri/uri';
import { compactHeaderName } from './header-field';
import type { SipMessage } from './sip-message';

/** Options for {@link serializeMessage}. */
export interface SerializeOptions {
  /** Use compact header names (RFC 3261 §7.3.3) to keep UDP datagrams under the MTU. */
  readonly compact?: boolean;
}

const encoder = new TextEncoder();

/**
 * Renders the start line and headers, ending with the empty line. Header order and values are kept
 * as they are; Content-Length is always written and always equals the body length (RFC 3261 §20.14),
 * appended last when the message had none.
 */
export function serializeMessageHead(msg: SipMessage, options: SerializeOptions = {}): string {
  let out =
    msg.kind === 'request'
      ? `${msg.method} ${serializeUri(msg.uri)} SIP/2.0\r\n`
      : `SIP/2.0 ${msg.status} ${msg.reason}\r\n`;
  const length = String(msg.body.length);
  let wroteLength = false;
  for (const f of msg.headers) {
    const name = options.compact === true ? (compactHeaderName(f.name) ?? f.name) : f.name;
    if (f.name === 'Content-Length') {
      if (wroteLength) continue;
      wroteLength = true;
      out += `${name}: ${length}\r\n`;
    } else {
      out += `${name}: ${f.value}\r\n`;
    }
  }
  if (!wroteLength) out += `${options.compact === true ? 'l' : 'Content-Length'}: ${length}\r\n`;
  return out + '\r\n';
}

/** Renders a message to the octets sent on the wire. */
export function serializeMessage(msg: SipMessage, options: SerializeOptions = {}): Uint8Array {
  const head = encoder.encode(serializeMessageHead(msg, options));
  if (msg.body.length === 0) return head;
  const out = new Uint8Array(head.length + msg.body.length);
  out.set(head, 0);
  out.set(msg.body, head.length);
  return out;
}
