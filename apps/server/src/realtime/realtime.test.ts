import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ScreenPopPayload, ServerMessage } from '@switchboard/contracts';
import { startContactCenterServer, type ContactCenterServer } from '../../test/support/contact-center-server';

let server: ContactCenterServer;
let base: string;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  server = await startContactCenterServer({ listen: true });
  const address = server.app.server.address() as { port: number };
  base = `ws://127.0.0.1:${address.port}`;
  for (const [user, password] of [
    ['agent1', 'demo-agent'],
    ['agent2', 'demo-agent'],
    ['supervisor', 'demo-supervisor'],
  ] as const)
    cookies[user] = await server.login(user, password);
});
afterAll(() => server.close());

/** A connected client collecting messages; `next` waits for the first message matching. */
async function connect(user: string) {
  const socket = new WebSocket(`${base}/api/v1/events`, { headers: { cookie: cookies[user]! } });
  const messages: ServerMessage[] = [];
  const waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    messages.push(message);
    for (const w of [...waiters])
      if (w.match(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = (match: (m: ServerMessage) => boolean): Promise<ServerMessage> => {
    const seen = messages.find(match);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
  };
  return { socket, messages, next };
}
const named = (name: string) => (m: ServerMessage) => m.type === 'event' && m.name === name;
const post = (user: string, url: string, payload: object = {}) =>
  server.app.inject({ method: 'POST', url, headers: { cookie: cookies[user]! }, payload });

describe('the event stream', () => {
  it('refuses an upgrade without a credential', async () => {
    const socket = new WebSocket(`${base}/api/v1/events`);
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(error.message).toContain('401');
  });

  it('pushes an agent their own events and offers, and a supervisor everything plus statistics', async () => {
    const agent1 = await connect('agent1');
    const agent2 = await connect('agent2');
    const supervisor = await connect('supervisor');
    expect(await agent1.next((m) => m.type === 'hello')).toMatchObject({ scope: 'agent' });
    expect(await supervisor.next((m) => m.type === 'hello')).toMatchObject({ scope: 'tenant' });
    await supervisor.next((m) => m.type === 'statistics');

    const login = await post('agent1', '/api/v1/agent/login', { ready: true });
    const queueId = login.json().queues[0] as string;
    const ready = await agent1.next(named('agent.ready'));
    expect(ready).toMatchObject({
      type: 'event',
      data: { agentId: await server.userId('agent1'), channel: 'voice' },
    });
    await server.flow.contacts.enqueue(server.tenantId, { contactId: 'ws-call-1', queueId }, 'call-ws-1');
    const offered = await agent1.next(named('contact.offered'));
    expect(offered).toMatchObject({ correlationId: 'call-ws-1', data: { contactId: 'ws-call-1', queueId } });
    expect(await supervisor.next(named('contact.queued'))).toMatchObject({
      data: { contactId: 'ws-call-1' },
    });
    await supervisor.next(named('contact.offered'));

    // Statistics follow the change, throttled: at most one per second, so move the clock.
    server.clock.advance(1_000);
    const stats = await supervisor.next(
      (m) =>
        m.type === 'statistics' && m.snapshot.queues.some((q) => q.queueId === queueId && q.ringing === 1),
    );
    expect(stats.type === 'statistics' && stats.snapshot.agents.map((a) => a.displayName)).toEqual([
      '李娜 Li Na',
    ]);

    // agent2 saw nothing of agent1's or the contact's events.
    expect(agent2.messages.filter((m) => m.type === 'event')).toEqual([]);
    expect(agent2.messages.some((m) => m.type === 'statistics')).toBe(false);

    agent2.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await agent2.next((m) => m.type === 'pong')).toMatchObject({ type: 'pong' });
    for (const c of [agent1, agent2, supervisor]) c.socket.close();
  });
});

describe('the statistics endpoints', () => {
  it('give supervisors every queue and agent, and an agent only their own line', async () => {
    const queues = await server.app.inject({
      url: '/api/v1/stats/queues',
      headers: { cookie: cookies.supervisor! },
    });
    expect(queues.statusCode).toBe(200);
    expect(queues.json().length).toBeGreaterThanOrEqual(2);
    const presales = queues.json().find((q: { ringing: number }) => q.ringing === 1);
    expect(presales).toMatchObject({ waiting: 0, ringing: 1, today: { offered: 0 } });
    const agents = await server.app.inject({
      url: '/api/v1/stats/agents',
      headers: { cookie: cookies.supervisor! },
    });
    expect(agents.json().map((a: { status: string }) => a.status)).toEqual(['reserved']);
    const own = await server.app.inject({
      url: '/api/v1/stats/agents',
      headers: { cookie: cookies.agent2! },
    });
    expect(own.json()).toEqual([]);
    const agentQueues = await server.app.inject({
      url: '/api/v1/stats/queues',
      headers: { cookie: cookies.agent1! },
    });
    expect(agentQueues.json().map((q: { queueId: string }) => q.queueId)).toEqual([presales.queueId]);
  });

  it('counts an answered contact per the metric definitions', async () => {
    const agent1 = await server.userId('agent1');
    server.clock.advance(4_000);
    await server.flow.contacts.answer(server.tenantId, 'ws-call-1', agent1);
    const res = await server.app.inject({
      url: '/api/v1/stats/queues',
      headers: { cookie: cookies.supervisor! },
    });
    const line = res.json().find((q: { today: { offered: number } }) => q.today.offered === 1);
    // Waited 5 s (1 s + 4 s) and the target is 20 s: answered within the threshold.
    expect(line.today).toMatchObject({
      offered: 1,
      answered: 1,
      serviceLevel: 1,
      asaSeconds: 5,
      abandonRate: 0,
    });
  });
});

describe('screen pops', () => {
  it('reach the rung agent alone: not another agent, not the supervisors', async () => {
    const agent1 = await connect('agent1');
    const agent2 = await connect('agent2');
    const supervisor = await connect('supervisor');
    for (const c of [agent1, agent2, supervisor]) await c.next((m) => m.type === 'hello');
    const agentId = await server.userId('agent1');
    const screenPop: ScreenPopPayload = {
      caller: {
        status: 'identified',
        masked: '+86 138****8000',
        region: { country: 'CN', province: '北京' },
      },
      customer: { id: 'c-1', name: '陈小明', vipLevel: 0, tags: [], language: 'zh', notes: '' },
      recentOrders: [],
      openTickets: [],
    };
    server.realtime.screenPops.publish({ tenantId: server.tenantId, contactId: 'pop-1', agentId, screenPop });
    expect(await agent1.next((m) => m.type === 'screen-pop')).toEqual({
      type: 'screen-pop',
      contactId: 'pop-1',
      agentId,
      screenPop,
    });
    // One socket delivers in order: a pong after the publish proves no pop was queued before it.
    for (const other of [agent2, supervisor]) {
      other.socket.send(JSON.stringify({ type: 'ping' }));
      await other.next((m) => m.type === 'pong');
      expect(other.messages.filter((m) => m.type === 'screen-pop')).toEqual([]);
    }
    for (const c of [agent1, agent2, supervisor]) c.socket.close();
  });
});

describe('call-action events', () => {
  it('reach supervisors and the agents they name; an unannounced supervisor reaches no agent', async () => {
    const agent1 = await connect('agent1');
    const agent2 = await connect('agent2');
    const supervisor = await connect('supervisor');
    for (const c of [agent1, agent2, supervisor]) await c.next((m) => m.type === 'hello');
    const agentId = await server.userId('agent1');
    const supervisorId = await server.userId('supervisor');
    const stored = (type: string, data: object, eventId: string) => ({
      type,
      data,
      metadata: {
        eventId,
        streamId: 'contact-c-9',
        tenantId: server.tenantId,
        occurredAt: '2026-11-23T08:00:00.000Z',
        correlationId: 'call-9',
        causationId: 'req-9',
      },
    });
    const listen = { contactId: 'c-9', agentId, supervisorId, announced: false, mode: 'listen', at: 1 };
    server.realtime.callEvents.publish(server.tenantId, stored('SupervisorJoinedCall', listen, 'e-1'), []);
    const held = { contactId: 'c-9', agentId, requestedBy: agentId, at: 2 };
    server.realtime.callEvents.publish(server.tenantId, stored('CallHeld', held, 'e-2'), [agentId]);
    expect(await supervisor.next(named('supervisor.joined_call'))).toMatchObject({ data: listen });
    expect(await supervisor.next(named('call.held'))).toMatchObject({ correlationId: 'call-9', data: held });
    expect(await agent1.next(named('call.held'))).toMatchObject({ data: held });
    for (const other of [agent1, agent2]) {
      other.socket.send(JSON.stringify({ type: 'ping' }));
      await other.next((m) => m.type === 'pong');
    }
    expect(agent1.messages.some(named('supervisor.joined_call'))).toBe(false);
    expect(agent2.messages.filter((m) => m.type === 'event')).toEqual([]);
    for (const c of [agent1, agent2, supervisor]) c.socket.close();
  });
});

describe('a connection whose login ends', () => {
  it('is closed at the next credential check, while live logins stay connected', async () => {
    const ending = await server.login('supervisor', 'demo-supervisor');
    const socket = new WebSocket(`${base}/api/v1/events`, { headers: { cookie: ending } });
    await new Promise((resolve) => socket.once('open', resolve));
    const staying = await connect('agent2');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const logout = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: ending },
    });
    expect(logout.statusCode).toBe(204);
    server.clock.advance(60_000);
    expect(await closed).toBe(1008);
    staying.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await staying.next((m) => m.type === 'pong')).toMatchObject({ type: 'pong' });
    expect(staying.socket.readyState).toBe(WebSocket.OPEN);
    staying.socket.close();
  });
});
