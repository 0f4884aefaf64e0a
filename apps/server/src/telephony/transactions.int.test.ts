import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UdpClient, sipRequest, statusOf } from '../../test/support/raw-sip';
import { startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';

let stack: SipTestStack;
let udp: UdpClient;
beforeAll(async () => {
  stack = await startSipTestStack({ maxServerTransactionsPerSource: 3 });
  udp = await UdpClient.open();
});
afterAll(async () => {
  udp.close();
  await stack.close();
});

const register = (): string =>
  sipRequest({
    method: 'REGISTER',
    user: '1001',
    extra: ['Contact: <sip:1001@127.0.0.1:9>', 'Expires: 60'],
  });

describe('server transactions on real sockets (RFC 3261 §17.2)', () => {
  it('absorbs a retransmitted REGISTER: one registrar call, the same response resent', async () => {
    const challengedBefore = await stack.metric('sip_auth_total', { outcome: 'challenged' });
    const request = register();
    udp.send(stack.ports.udp, request);
    const first = await udp.next();
    udp.send(stack.ports.udp, request);
    const second = await udp.next();
    expect(statusOf(first ?? '')).toBe(401);
    // Byte for byte: same To tag and same nonce, so the registrar was not asked again (§17.2.2).
    expect(second).toBe(first);
    expect(await stack.metric('sip_auth_total', { outcome: 'challenged' })).toBe(challengedBefore + 1);
  });

  it('answers 503 with Retry-After once a source holds too many transactions (RFC 3261 §21.5.4)', async () => {
    // Each answered OPTIONS keeps its transaction for Timer J (32 s over UDP); the REGISTER above holds one.
    const client = await UdpClient.open();
    try {
      for (let i = 0; i < 4; i++) client.send(stack.ports.udp, sipRequest({ method: 'OPTIONS' }));
      const statuses: number[] = [];
      const texts: string[] = [];
      for (let i = 0; i < 4; i++) {
        const text = (await client.next()) ?? '';
        texts.push(text);
        statuses.push(statusOf(text));
      }
      expect(statuses.sort()).toEqual([200, 200, 200, 503]);
      expect(texts.find((t) => statusOf(t) === 503)).toMatch(/^Retry-After: 5\r$/m);
      expect(await stack.metric('sip_messages_dropped_total', { reason: 'too_many_transactions' })).toBe(1);
    } finally {
      client.close();
    }
  });

  it('answers an unknown dialog 481 from the user-agent core and an unmatched CANCEL 481', async () => {
    const bye = sipRequest({ method: 'BYE' }).replace(/^(To: .*)$/m, '$1;tag=nobody');
    udp.send(stack.ports.udp, bye);
    expect(statusOf((await udp.next()) ?? '')).toBe(481);
    udp.send(stack.ports.udp, sipRequest({ method: 'CANCEL' }));
    expect(statusOf((await udp.next()) ?? '')).toBe(481);
  });
});
