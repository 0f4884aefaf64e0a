import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDigestAuthorization, selectDigestChallenge } from '@switchboard/sip';
import { startBaresip } from '../../test/support/baresip';
import { UdpClient, sipRequest, statusOf } from '../../test/support/raw-sip';
import { DEMO_SIP_PASSWORD, startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';

/** The `ws` client (a dependency of @fastify/websocket; Node 20 has no global WebSocket). */
interface WsClient {
  readonly protocol: string;
  on(event: 'open' | 'close', fn: () => void): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'unexpected-response', fn: (req: unknown, res: { statusCode: number }) => void): void;
  send(text: string): void;
  close(): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string, protocols?: string[]) => WsClient;

const challengesOf = (res: string): string[] =>
  [...res.matchAll(/^WWW-Authenticate: (.*)$/gm)].map((m) => (m[1] ?? '').trim());

/** REGISTER answered 401, then again with credentials; returns both responses. */
async function register(
  send: (text: string) => void,
  next: () => Promise<string | undefined>,
  user: string,
  password: string,
  transport = 'UDP',
): Promise<{ challenge: string; final: string }> {
  const callId = `reg-${user}-${Math.random()}`;
  const contact = `Contact: <sip:${user}@127.0.0.1:5099;transport=${transport.toLowerCase()}>`;
  send(sipRequest({ method: 'REGISTER', user, callId, transport, extra: [contact, 'Expires: 300'] }));
  const challenge = (await next()) ?? '';
  const chosen = selectDigestChallenge(challengesOf(challenge));
  if (chosen === undefined) return { challenge, final: challenge };
  const auth = createDigestAuthorization({
    challenge: chosen,
    username: user,
    password,
    method: 'REGISTER',
    uri: 'sip:127.0.0.1',
    nc: 1,
    cnonce: 'abcdef0123',
  });
  const extra = [contact, 'Expires: 300', `Authorization: ${auth}`];
  send(sipRequest({ method: 'REGISTER', user, callId, cseq: 2, transport, extra }));
  return { challenge, final: (await next()) ?? '' };
}

describe('registrar with real phones', () => {
  let stack: SipTestStack;
  beforeAll(async () => {
    // libre 1.x (baresip 1.0) aborts on any SHA-256 challenge, so this stack offers MD5 only.
    stack = await startSipTestStack({ http: true, sip: { digestAlgorithms: ['MD5'] } });
  });
  afterAll(() => stack.close());

  it.each(['udp', 'tcp'] as const)('registers baresip over %s and finds its contact', async (transport) => {
    const phone = startBaresip({
      user: '1001',
      password: DEMO_SIP_PASSWORD,
      serverPort: transport === 'udp' ? stack.ports.udp : stack.ports.tcp,
      transport,
    });
    try {
      expect(await phone.registered()).toContain('Switchboard');
      const agent = await stack.agent('agent1');
      const contacts = await stack.telephony.registrar.contactsFor(agent.tenantId, agent.userId);
      expect(contacts).toHaveLength(1);
      expect(contacts[0]?.uri).toMatch(/^sip:1001-[^@]+@127\.0\.0\.1:\d+/);
      expect(contacts[0]?.flow.protocol).toBe(transport.toUpperCase());
    } finally {
      await phone.stop();
    }
  });
});

describe('registrar over WebSocket (RFC 7118)', () => {
  let stack: SipTestStack;
  beforeAll(async () => {
    stack = await startSipTestStack({ http: true });
  });
  afterAll(() => stack.close());

  it('refuses a handshake without the sip subprotocol', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${stack.httpPort}/sip`);
    const status = await new Promise<number>((resolve) =>
      ws.on('unexpected-response', (_q, r) => resolve(r.statusCode)),
    );
    expect(status).toBe(400);
  });

  it('registers with SHA-256 digest and drops the binding when the socket closes', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${stack.httpPort}/sip`, ['sip']);
    const inbox: string[] = [];
    const waiting: ((m: string) => void)[] = [];
    ws.on('message', (d) => (waiting.shift() ?? ((m: string) => inbox.push(m)))(d.toString('utf8')));
    await new Promise<void>((resolve) => ws.on('open', resolve));
    expect(ws.protocol).toBe('sip');
    const next = (): Promise<string> =>
      inbox.length > 0 ? Promise.resolve(inbox.shift()!) : new Promise((resolve) => waiting.push(resolve));
    const { challenge, final } = await register((t) => ws.send(t), next, '1004', DEMO_SIP_PASSWORD, 'WS');
    expect(challengesOf(challenge).map((c) => /algorithm=([\w-]+)/.exec(c)?.[1])).toEqual(['SHA-256', 'MD5']);
    expect(statusOf(final)).toBe(200);
    const agent = await stack.agent('agent4');
    const [contact] = await stack.telephony.registrar.contactsFor(agent.tenantId, agent.userId);
    expect(contact?.flow).toMatchObject({ protocol: 'WS', address: '127.0.0.1' });
    ws.close();
    await new Promise<void>((resolve) => ws.on('close', resolve));
    await expect.poll(() => stack.telephony.registrar.contactsFor(agent.tenantId, agent.userId)).toEqual([]);
  });
});

describe('protection against password guessing', () => {
  it('answers unknown users exactly like wrong passwords, then bans the guesser', async () => {
    const stack = await startSipTestStack({ sip: { banAfterAuthFailures: 3 } });
    const udp = await UdpClient.open();
    const send = (t: string): void => udp.send(stack.ports.udp, t);
    try {
      const wrong = await register(send, () => udp.next(), '1002', 'guess');
      const unknown = await register(send, () => udp.next(), '7777', DEMO_SIP_PASSWORD);
      const shape = (res: string): string[] => res.split('\r\n').map((l) => l.split(':')[0] ?? '');
      expect(wrong.final.split('\r\n')[0]).toBe('SIP/2.0 403 Forbidden');
      expect(unknown.final.split('\r\n')[0]).toBe(wrong.final.split('\r\n')[0]);
      expect(shape(unknown.final)).toEqual(shape(wrong.final));
      expect(shape(unknown.challenge)).toEqual(shape(wrong.challenge));
      await register(send, () => udp.next(), '1003', 'guess-again');
      // The third failure banned the address: even the right password gets no answer now.
      send(sipRequest({ method: 'OPTIONS' }));
      expect(await udp.next(() => true, 300)).toBeUndefined();
      expect(await stack.metric('sip_bans_total')).toBe(1);
      expect(await stack.metric('sip_auth_total', { outcome: 'failed' })).toBe(3);
    } finally {
      udp.close();
      await stack.close();
    }
  });
});

describe('disabled accounts', () => {
  it("refuses a disabled user's phone like a wrong password and stops ringing its bindings", async () => {
    const stack = await startSipTestStack();
    const udp = await UdpClient.open();
    const send = (t: string): void => udp.send(stack.ports.udp, t);
    const now = new Date().toISOString();
    try {
      expect(statusOf((await register(send, () => udp.next(), '1002', DEMO_SIP_PASSWORD)).final)).toBe(200);
      const agent = await stack.agent('agent2');
      expect(await stack.telephony.registrar.contactsFor(agent.tenantId, agent.userId)).toHaveLength(1);
      await stack.database.db
        .updateTable('users')
        .set({ disabled_at: now })
        .where('id', '=', agent.userId)
        .execute();
      expect(await stack.telephony.registrar.contactsFor(agent.tenantId, agent.userId)).toEqual([]);
      const refused = await register(send, () => udp.next(), '1002', DEMO_SIP_PASSWORD);
      const wrong = await register(send, () => udp.next(), '1003', 'wrong-password');
      expect(refused.final.split('\r\n')[0]).toBe('SIP/2.0 403 Forbidden');
      expect(refused.final.split('\r\n')[0]).toBe(wrong.final.split('\r\n')[0]);
      // A disabled tenant takes every phone of it offline the same way.
      expect(statusOf((await register(send, () => udp.next(), '1004', DEMO_SIP_PASSWORD)).final)).toBe(200);
      const agent4 = await stack.agent('agent4');
      await stack.database.db
        .updateTable('tenants')
        .set({ disabled_at: now })
        .where('id', '=', agent4.tenantId)
        .execute();
      expect(await stack.telephony.registrar.contactsFor(agent4.tenantId, agent4.userId)).toEqual([]);
      expect(statusOf((await register(send, () => udp.next(), '1004', DEMO_SIP_PASSWORD)).final)).toBe(403);
    } finally {
      udp.close();
      await stack.close();
    }
  });
});
