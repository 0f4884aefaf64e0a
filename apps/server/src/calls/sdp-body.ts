import type { SipMessage } from '@switchboard/sip';

const decoder = new TextDecoder();

/** The SDP body of a message (RFC 3261 §13.2.1, RFC 3264), or undefined when it carries none. */
export function sdpBody(message: SipMessage): string | undefined {
  if (message.body.length === 0) return undefined;
  const type = message.contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/sdp' ? decoder.decode(message.body) : undefined;
}

/** The body of a message as text. */
export function bodyText(message: SipMessage): string {
  return decoder.decode(message.body);
}
