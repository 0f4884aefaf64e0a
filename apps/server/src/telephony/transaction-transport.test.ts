import { ok, type Rejection, type Result } from '@switchboard/kernel';
import { serializeNameAddr, type SipMessage } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import { SipLocalEndpoint } from './sip-local-endpoint';
import { OutboundTransport } from './transaction-transport';
import type { SipDestination, SipProtocol, SipTransport } from './transport/sip-transport';

/** A socket transport without sockets: records destinations, knows which connections are open. */
class FakeSockets implements SipTransport {
  readonly sent: SipDestination[] = [];
  readonly open = new Set<string>();

  constructor(
    readonly protocol: SipProtocol,
    readonly reliable = protocol !== 'UDP',
    readonly opensConnections = false,
  ) {}

  send(_message: SipMessage, destination: SipDestination): Result<void, Rejection> {
    this.sent.push(destination);
    return ok(undefined);
  }

  sendBytes(): Result<void, Rejection> {
    return ok(undefined);
  }

  hasConnection(id: string): boolean {
    return this.open.has(id);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const message = {} as SipMessage;

describe('OutboundTransport', () => {
  it('sends over the transport of the flow, on its connection; UDP when there is no flow', () => {
    const [udp, tcp, ws] = [new FakeSockets('UDP'), new FakeSockets('TCP'), new FakeSockets('WS')];
    ws.open.add('ws-1');
    const outbound = new OutboundTransport();
    outbound.bind([udp, tcp, ws]);
    outbound.send(message, { host: '192.0.2.1', port: 5060 });
    outbound.send(message, { host: '192.0.2.2', port: 5070, flow: { transport: 'tcp' } });
    const viaWs = outbound.select({ host: 'x', port: 1, flow: { transport: 'WS', connectionId: 'ws-1' } });
    expect(viaWs.ok && viaWs.value.protocol).toBe('WS');
    expect(viaWs.ok && viaWs.value.reliable).toBe(true);
    if (viaWs.ok)
      viaWs.value.send(message, { host: 'x', port: 1, flow: { transport: 'WS', connectionId: 'ws-1' } });
    expect(udp.sent).toEqual([{ address: '192.0.2.1', port: 5060 }]);
    expect(tcp.sent).toEqual([{ address: '192.0.2.2', port: 5070 }]);
    expect(ws.sent).toEqual([{ address: 'x', port: 1, connectionId: 'ws-1' }]);
  });

  it('refuses a flow whose connection is gone, a transport it lacks, and everything before bind', () => {
    const outbound = new OutboundTransport();
    const code = (r: Result<unknown, Rejection>): string | undefined => (r.ok ? undefined : r.error.code);
    expect(code(outbound.select({ host: 'x', port: 1 }))).toBe('SIP.TRANSPORT_CLOSED');
    outbound.bind([new FakeSockets('UDP'), new FakeSockets('TCP')]);
    const gone = { host: 'x', port: 1, flow: { transport: 'TCP', connectionId: 'tcp-9' } };
    expect(code(outbound.select(gone))).toBe('SIP.FLOW_FAILED');
    expect(code(outbound.send(message, gone))).toBe('SIP.FLOW_FAILED');
    expect(code(outbound.select({ host: 'x', port: 1, flow: { transport: 'WSS' } }))).toBe(
      'SIP.UNSUPPORTED_TRANSPORT',
    );
    outbound.bind(undefined);
    expect(code(outbound.send(message, { host: 'x', port: 1 }))).toBe('SIP.TRANSPORT_CLOSED');
  });
});

describe('OutboundTransport over transports that open connections', () => {
  it('leaves a TCP or TLS flow whose connection is gone to the socket transport; WS fails at once', () => {
    const [tcp, tls, ws] = [
      new FakeSockets('TCP', true, true),
      new FakeSockets('TLS', true, true),
      new FakeSockets('WS'),
    ];
    const outbound = new OutboundTransport();
    outbound.bind([new FakeSockets('UDP'), tcp, tls, ws]);
    // A dialog's next hop: the Contact, over the flow whose connection closed (RFC 3261 §12.2.1.1).
    const contact = { host: '192.0.2.5', port: 5061, flow: { transport: 'TLS', connectionId: 'tls-3' } };
    expect(outbound.send(message, contact).ok).toBe(true);
    expect(tls.sent).toEqual([{ address: '192.0.2.5', port: 5061, connectionId: 'tls-3' }]);
    expect(outbound.select({ ...contact, flow: { transport: 'TCP', connectionId: 'tcp-3' } }).ok).toBe(true);
    const browser = outbound.select({ host: 'x', port: 1, flow: { transport: 'WS', connectionId: 'ws-3' } });
    expect(browser.ok ? undefined : browser.error.code).toBe('SIP.FLOW_FAILED');
  });
});

describe('SipLocalEndpoint', () => {
  it('names each transport in Via and Contact: TCP on the shared port, TLS on its own, WS by host', () => {
    const local = new SipLocalEndpoint('0.0.0.0', 0);
    local.bind({ udp: 5060, tcp: 5060, tls: 5061 });
    expect(local.over('UDP')).toBe(local);
    expect(serializeNameAddr(local.contact)).toBe('<sip:switchboard@127.0.0.1:5060>');
    const tcp = local.over('tcp');
    expect([tcp.transport, tcp.host, tcp.port]).toEqual(['TCP', '127.0.0.1', 5060]);
    expect(serializeNameAddr(tcp.contact)).toBe('<sip:switchboard@127.0.0.1:5060;transport=tcp>');
    expect(serializeNameAddr(local.over('TLS').contact)).toBe(
      '<sip:switchboard@127.0.0.1:5061;transport=tls>',
    );
    const ws = local.over('WSS');
    expect([ws.transport, ws.port]).toEqual(['WSS', undefined]);
    expect(serializeNameAddr(ws.contact)).toBe('<sip:switchboard@127.0.0.1;transport=wss>');
  });
});
