import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from '../store';
import { addTenantWithAdmin, type TestServer } from '../../test/support/test-server';
import { startContactCenterServer, type ContactCenterServer } from '../../test/support/contact-center-server';

let server: ContactCenterServer;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  server = await startContactCenterServer();
  cookies.agent1 = await server.login('agent1', 'demo-agent');
  cookies.agent2 = await server.login('agent2', 'demo-agent');
  cookies.supervisor = await server.login('supervisor', 'demo-supervisor');
});
afterAll(() => server.close());

const call = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  server.app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });

describe('the agent API', () => {
  it('logs an agent in with the skills of the routing configuration and answers the state', async () => {
    const res = await call('agent1', 'POST', '/api/v1/agent/login', {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      loggedIn: true,
      channels: [{ channel: 'voice', status: 'not-ready', reason: 'login' }],
    });
    // agent1 has presales 8: they serve the pre-sales queue, not after-sales.
    expect(res.json().queues).toHaveLength(1);
    const state = await call('agent1', 'GET', '/api/v1/agent/state');
    expect(state.json()).toEqual(res.json());
  });

  it('goes ready and not ready with a reason, and maps refusals to problem documents', async () => {
    expect((await call('agent1', 'POST', '/api/v1/agent/ready', {})).json().channels[0].status).toBe('ready');
    const again = await call('agent1', 'POST', '/api/v1/agent/ready', {});
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json().code).toBe('ROUTING.AGENT_ALREADY_READY');
    const lunch = await call('agent1', 'POST', '/api/v1/agent/not-ready', { reason: 'lunch' });
    expect(lunch.json().channels[0]).toMatchObject({ status: 'not-ready', reason: 'lunch' });
    const bad = await call('agent1', 'POST', '/api/v1/agent/not-ready', { reason: 'RONA' });
    expect(bad.statusCode).toBe(400);
  });

  it('wrap-up: completes with a disposition stored on the contact stream', async () => {
    await call('agent1', 'POST', '/api/v1/agent/ready', {});
    const queueId = (await call('agent1', 'GET', '/api/v1/agent/state')).json().queues[0];
    const agentId = await server.userId('agent1');
    const { contacts } = server.flow;
    expect((await contacts.enqueue(server.tenantId, { contactId: 'call-1', queueId })).ok).toBe(true);
    expect(server.telephony.log.at(-1)).toMatchObject({ type: 'RingAgent', agentId, contactId: 'call-1' });
    expect((await contacts.answer(server.tenantId, 'call-1', agentId)).ok).toBe(true);
    expect((await contacts.end(server.tenantId, 'call-1')).ok).toBe(true);
    const extended = await call('agent1', 'POST', '/api/v1/agent/wrap-up/extend', { seconds: 30 });
    expect(extended.json().channels[0].contacts[0]).toMatchObject({ contactId: 'call-1', phase: 'wrap-up' });
    const done = await call('agent1', 'POST', '/api/v1/agent/wrap-up/complete', {
      dispositionCode: 'order-status',
      notes: '客户查询订单',
    });
    expect(done.statusCode).toBe(200);
    expect(done.json().channels[0].status).toBe('ready');
    const events = await new EventStore(server.database).readStream('contact-call-1');
    const disposition = events.find((e) => e.type === 'ContactDispositionRecorded')!;
    expect(disposition.data).toMatchObject({ code: 'order-status', notes: '客户查询订单', agentId });
    const twice = await call('agent1', 'POST', '/api/v1/agent/wrap-up/complete', { dispositionCode: 'x' });
    expect(twice.json().code).toBe('ROUTING.NOT_IN_WRAP_UP');
  });

  it('an agent cannot force another agent; a supervisor can, and it is audited', async () => {
    await call('agent2', 'POST', '/api/v1/agent/login', { ready: true });
    const agent2 = await server.userId('agent2');
    const forbidden = await call('agent1', 'POST', `/api/v1/agents/${agent2}/force-state`, {
      state: 'not-ready',
    });
    expect(forbidden.statusCode).toBe(403);
    const forced = await call('supervisor', 'POST', `/api/v1/agents/${agent2}/force-state`, {
      state: 'not-ready',
      reason: 'meeting',
    });
    expect(forced.statusCode).toBe(200);
    expect(forced.json().channels[0]).toMatchObject({ status: 'not-ready', reason: 'meeting' });
    const out = await call('supervisor', 'POST', `/api/v1/agents/${agent2}/force-logout`, {});
    expect(out.json().loggedIn).toBe(false);
    const again = await call('supervisor', 'POST', `/api/v1/agents/${agent2}/force-logout`, {});
    expect(again.json().code).toBe('ROUTING.AGENT_LOGGED_OUT');
    const audit = await server.identity.audit.list(server.tenantId, { limit: 10 });
    expect(audit.filter((a) => a.targetId === agent2).map((a) => [a.action, a.details?.['outcome']])).toEqual(
      [
        ['agent.logout_forced', 'refused'],
        ['agent.logout_forced', 'done'],
        ['agent.state_forced', 'done'],
      ],
    );
  });

  it('keeps tenants apart: another tenant’s user is not found, and its admin cannot reach ours', async () => {
    const otherAdmin = await addTenantWithAdmin(
      server as unknown as TestServer,
      'other',
      'boss',
      'boss-password-1',
    );
    const cross = await call('supervisor', 'POST', `/api/v1/agents/${otherAdmin}/force-logout`, {});
    expect(cross.statusCode).toBe(404);
    const boss = await server.login('boss', 'boss-password-1', 'other');
    const agent1 = await server.userId('agent1');
    const reverse = await server.app.inject({
      method: 'POST',
      url: `/api/v1/agents/${agent1}/force-state`,
      headers: { cookie: boss },
      payload: { state: 'ready' },
    });
    expect(reverse.statusCode).toBe(404);
    const supervisorAsAgent = await call('supervisor', 'POST', '/api/v1/agent/login', {});
    expect(supervisorAsAgent.statusCode).toBe(403);
  });
});
