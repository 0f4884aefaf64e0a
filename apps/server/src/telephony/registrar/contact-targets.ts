/**
 * How the server reaches a registered contact (an agent's phone or browser, an extension dialed in
 * a transfer): the Request-URI is the Contact, the destination the flow the REGISTER came in on.
 */
import type { Destination } from '@switchboard/sip';
import type { OriginateTarget } from '../../calls';
import { flowOf } from '../transaction-transport';
import type { RegisteredContact } from './registrar';

/**
 * How a registered contact is rung: over its flow, and with a WebRTC offer when it registered
 * over SIP/WebSocket, which only browsers speak (RFC 7118 §1; their media is ICE and DTLS-SRTP,
 * RFC 8827). Its address of record is the answered leg's peer: that SIP user alone may take the
 * call over later with an INVITE carrying Replaces (a reloaded browser, RFC 3891 §6).
 */
export function deviceTarget(contact: Pick<RegisteredContact, 'uri' | 'flow' | 'aor'>): OriginateTarget {
  const destination = flowDestination(contact);
  const peer = contact.aor;
  return isWebSocket(contact.flow.protocol)
    ? { uri: contact.uri, destination, webrtc: true, peer }
    : { uri: contact.uri, destination, peer };
}

function isWebSocket(protocol: string): boolean {
  return protocol === 'WS' || protocol === 'WSS';
}

/**
 * Where a registered contact is reached: the REGISTER's source address and port, over its
 * transport and, on TCP, TLS and WebSocket, over its very connection (RFC 5626 §5.3, RFC 7118 §5):
 * when that connection is gone the INVITE fails at once instead of going elsewhere.
 */
export function flowDestination(contact: Pick<RegisteredContact, 'flow'>): Destination {
  const { flow } = contact;
  const to = { host: flow.address, port: flow.port };
  // UDP is what a destination without a flow gets.
  return flow.protocol === 'UDP' ? to : { ...to, flow: flowOf(flow) };
}
