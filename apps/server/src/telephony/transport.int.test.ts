import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpClient, UdpClient, sipRequest, statusOf } from '../../test/support/raw-sip';
import { startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';

let stack: SipTestStack;
let udp: UdpClient;
beforeAll(async () => {
  stack = await startSipTestStack({ limits: { maxMessageSize: 4096 } });
  udp = await UdpClient.open();
});
afterAll(async () => {
  udp.close();
  await stack.close();
});

const options = (extra: readonly string[] = [], transport = 'UDP'): string =>
  sipRequest({ method: 'OPTIONS', extra, transport });

describe('SIP over UDP', () => {
  it('answers malformed requests 400 with the reason, drops bad responses, and keeps serving', async () => {
    const droppedBefore = await stack.metric('sip_messages_dropped_total', { reason: 'malformed_response' });
    udp.send(stack.ports.udp, new Uint8Array([0, 1, 2, 255, 13, 10, 13, 10]));
    udp.send(stack.ports.udp, 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9\r\n\r\n');
    udp.send(stack.ports.udp, options().replace('Max-Forwards: 70', 'Max-Forwards: lots'));
    udp.send(stack.ports.udp, options());
    const bad = await udp.next((m) => m.startsWith('SIP/2.0 400'));
    expect(bad).toMatch(/^SIP\/2\.0 400 Malformed Max-Forwards header\r\n/);
    const good = await udp.next((m) => m.startsWith('SIP/2.0 200'));
    expect(good).toMatch(/^Allow: .*REGISTER/m);
    expect(await stack.metric('sip_messages_dropped_total', { reason: 'malformed_response' })).toBe(
      droppedBefore + 1,
    );
  });

  it('stamps received and rport on the top Via (RFC 3261 §18.2.1, RFC 3581)', async () => {
    udp.send(stack.ports.udp, sipRequest({ method: 'OPTIONS', viaHost: 'phone.invalid:5099' }));
    const res = await udp.next();
    expect(res).toMatch(
      /^Via: SIP\/2\.0\/UDP phone\.invalid:5099;branch=[^;]+;rport=\d+;received=127\.0\.0\.1/m,
    );
  });

  it('drops an oversize datagram and answers the next request', async () => {
    const big = options([`X-Padding: ${'a'.repeat(5000)}`]);
    udp.send(stack.ports.udp, big);
    udp.send(stack.ports.udp, options());
    const res = await udp.next();
    expect(statusOf(res ?? '')).toBe(200);
    expect(await stack.metric('sip_messages_dropped_total', { transport: 'UDP', reason: 'oversize' })).toBe(
      1,
    );
  });

  it('answers what it cannot route yet like a real server would', async () => {
    const cases: [string, readonly string[], number][] = [
      ['INVITE', [], 480],
      ['BYE', [], 481],
      ['CANCEL', [], 481],
      ['SUBSCRIBE', [], 405],
      ['FROBNICATE', [], 501],
      ['OPTIONS', ['Require: 100rel'], 420],
    ];
    for (const [method, extra, status] of cases) {
      udp.send(stack.ports.udp, sipRequest({ method, extra }));
      expect(statusOf((await udp.next()) ?? ''), method).toBe(status);
    }
    udp.send(stack.ports.udp, sipRequest({ method: 'ACK' }));
    expect(await udp.next(() => true, 300)).toBeUndefined();
  });
});

describe('SIP over TCP', () => {
  it('frames messages split and coalesced across segments and pongs keepalives', async () => {
    const tcp = await TcpClient.open(stack.ports.tcp);
    const one = options([], 'TCP');
    tcp.send(one.slice(0, 20));
    tcp.send(one.slice(20) + '\r\n\r\n' + options([], 'TCP') + 'garbage line\r\n\r\n' + options([], 'TCP'));
    const text = await tcp.waitFor(/(SIP\/2\.0 200[\s\S]*){3}/);
    expect(text.match(/SIP\/2\.0 200 OK/g)).toHaveLength(3);
    // The pong (RFC 5626 §4.4.1) follows the answer to the request that preceded the ping.
    expect(text).toMatch(/^SIP\/2\.0 200 [^]*?\r\n\r\n\r\nSIP\/2\.0 200 /);
    tcp.close();
  });

  it('answers an oversize request 513 and closes the connection; others are unaffected', async () => {
    const bystander = await TcpClient.open(stack.ports.tcp);
    const tcp = await TcpClient.open(stack.ports.tcp);
    // A large body (say an SDP with many candidates): the head is readable, so the 513 can be addressed.
    const body = 'v=0\r\n'.repeat(1000);
    tcp.send(
      options([], 'TCP').replace(
        'Content-Length: 0',
        `Content-Type: application/sdp\r\nContent-Length: ${body.length}`,
      ) + body,
    );
    const text = await tcp.waitFor(/SIP\/2\.0 513/);
    expect(text).toMatch(/^SIP\/2\.0 513 Message Too Large\r\n/);
    await tcp.waitFor(/$^/, 2_000);
    expect(tcp.closed).toBe(true);
    bystander.send(options([], 'TCP'));
    expect(await bystander.waitFor(/SIP\/2\.0 200/)).toMatch(/^SIP\/2\.0 200/);
    bystander.close();
  });
});

describe('protection limits', () => {
  it('rate-limits a flooding source per address with a token bucket', async () => {
    const limited = await startSipTestStack({ sip: { rateLimitPerSecond: 1, rateLimitBurst: 5 } });
    const client = await UdpClient.open();
    try {
      for (let i = 0; i < 20; i++) client.send(limited.ports.udp, options());
      let answered = 0;
      while ((await client.next(() => true, 500)) !== undefined) answered++;
      expect(answered).toBeGreaterThanOrEqual(5);
      expect(answered).toBeLessThanOrEqual(6);
      expect(
        await limited.metric('sip_messages_dropped_total', { reason: 'rate_limited' }),
      ).toBeGreaterThanOrEqual(14);
    } finally {
      client.close();
      await limited.close();
    }
  });

  it('drops a known scanner over UDP but does not ban the address, which could be forged', async () => {
    // Bans are per address and every test peer is 127.0.0.1: a stack of its own.
    const guarded = await startSipTestStack();
    const scanner = await UdpClient.open();
    try {
      scanner.send(guarded.ports.udp, options(['User-Agent: friendly-scanner']));
      expect(await scanner.next(() => true, 300)).toBeUndefined();
      scanner.send(guarded.ports.udp, options());
      expect(statusOf((await scanner.next()) ?? '')).toBe(200);
      expect(await guarded.metric('sip_bans_total')).toBe(0);
      expect(await guarded.metric('sip_messages_dropped_total', { reason: 'scanner' })).toBe(1);
    } finally {
      scanner.close();
      await guarded.close();
    }
  });

  it('drops and bans a known scanner over TCP, where the handshake proved the address', async () => {
    const guarded = await startSipTestStack();
    const scanner = await TcpClient.open(guarded.ports.tcp);
    const udpPeer = await UdpClient.open();
    try {
      scanner.send(options(['User-Agent: friendly-scanner'], 'TCP'));
      await expect.poll(() => guarded.metric('sip_bans_total')).toBe(1);
      udpPeer.send(guarded.ports.udp, options());
      expect(await udpPeer.next(() => true, 300)).toBeUndefined();
    } finally {
      scanner.close();
      udpPeer.close();
      await guarded.close();
    }
  });

  it('never bans a trusted trunk, however many failures arrive in its name', async () => {
    const guarded = await startSipTestStack({
      sip: {
        trustedAddresses: ['127.0.0.0/8'],
        banAfterAuthFailures: 1,
        rateLimitPerSecond: 1,
        rateLimitBurst: 2,
      },
    });
    const trunk = await UdpClient.open();
    try {
      guarded.telephony.protection.recordAuthFailure('127.0.0.1');
      for (let i = 0; i < 5; i++) trunk.send(guarded.ports.udp, options());
      let answered = 0;
      while ((await trunk.next(() => true, 300)) !== undefined) answered++;
      expect(answered).toBe(5);
      expect(await guarded.metric('sip_bans_total')).toBe(0);
    } finally {
      trunk.close();
      await guarded.close();
    }
  });
});
