/**
 * Force release (强拆) with real phones: a VIP customer on baresip dials the hotline and talks to
 * agent1 on extension 1001; the demo supervisor releases the call over the HTTP API. Both phones
 * get a BYE, agent1 is left in wrap-up with the contact, the supervisor's action is audited and in
 * the call's detail, and nothing is left behind: no live call, and once agent1 finishes wrap-up
 * the next customer reaches them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStateView } from '@switchboard/contracts';
import {
  answered,
  bridgedContact,
  dialHotline,
  hangUp,
  hungUpOn,
  startCustomer,
  startDeskAgent,
  talkFor,
  tonesIn,
  type DeskAgent,
  type PhoneOnCall,
} from './call-desk';
import { startLiveCenter, type ApiSession, type LiveCenter } from './live-center';

const CUSTOMER_HZ = 500;
const AGENT_HZ = 900;

interface AuditEntry {
  readonly action: string;
  readonly actor: string | null;
  readonly targetId: string | null;
  readonly details: Record<string, unknown> | null;
}

describe('a supervisor force-releasing a call between real phones', () => {
  let center: LiveCenter;
  let customer: PhoneOnCall;
  let agent: DeskAgent;
  let supervisor: ApiSession;
  let contactId: string;
  let released: { status: number; body: { contactId: string; agentId: string | null } };
  let customerBye: string;
  let agentBye: string;

  beforeAll(async () => {
    center = await startLiveCenter();
    supervisor = await center.logIn('supervisor', 'demo-supervisor');
    agent = await startDeskAgent(center, '1001', 'agent1', AGENT_HZ);
    customer = startCustomer(center, CUSTOMER_HZ);
    await dialHotline(center, customer);
    contactId = await bridgedContact(center, agent.api.userId);
    await answered(agent);
    await talkFor(4000);

    released = await supervisor.post(`/api/v1/calls/${contactId}/force-release`);
    [customerBye, agentBye] = await Promise.all([hungUpOn(customer), hungUpOn(agent)]);
    await center.waitForContactEvent(contactId, 'ContactEnded');
  }, 120_000);

  afterAll(async () => {
    await Promise.all([customer?.phone.stop(), agent?.phone.stop()]);
    expect(await center?.stop()).toBe(0);
  });

  it('ends both legs: the customer’s phone and agent1’s phone get a BYE', () => {
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body).toMatchObject({ contactId, agentId: agent.api.userId });
    expect(customerBye).toMatch(/session closed/);
    expect(agentBye).toMatch(/session closed/);
    // They were talking until then: the last second the customer heard, long after the IVR's prompt.
    const heard = customer.phone.heard();
    const lastSecond = heard.subarray(heard.length - 10_400, heard.length - 2400);
    expect(tonesIn(lastSecond, { agent: AGENT_HZ }).agent).toBeGreaterThan(0.5);
    expect(tonesIn(agent.phone.heard(), { customer: CUSTOMER_HZ }).customer).toBeGreaterThan(0.5);
  });

  it('records who released the call before how it ended', async () => {
    const forced = await center.waitForContactEvent(contactId, 'CallForceReleased');
    expect(forced.data).toMatchObject({ agentId: agent.api.userId, supervisorId: supervisor.userId });
    const timeline = center.contactTimeline(contactId);
    expect(timeline.indexOf('CallForceReleased')).toBeLessThan(timeline.indexOf('CallEnded'));
    const detail = await supervisor.get<{ timeline: { kind: string; detail: Record<string, unknown> }[] }>(
      `/api/v1/calls/${contactId}`,
    );
    expect(detail.status).toBe(200);
    const kinds = detail.body.timeline.map((e) => e.kind);
    expect(kinds).toContain('call.force_released');
    expect(kinds.indexOf('call.force_released')).toBeLessThan(kinds.indexOf('call.ended'));

    const admin = await center.logIn('admin', 'demo-admin');
    const audit = await admin.get<AuditEntry[]>('/api/v1/audit-log?action=call.force_released');
    expect(audit.body).toContainEqual(
      expect.objectContaining({
        actor: 'supervisor',
        targetId: contactId,
        details: expect.objectContaining({ outcome: 'done' }),
      }),
    );
  });

  it('leaves agent1 in wrap-up with the contact, and no live call behind', async () => {
    const state = await agent.api.get<AgentStateView>('/api/v1/agent/state');
    expect(state.body.channels[0]).toMatchObject({ status: 'wrap-up', contacts: [{ contactId }] });
    const live = await supervisor.get<{ items: { contactId: string }[] }>('/api/v1/calls/live');
    expect(live.status).toBe(200);
    expect(live.body.items).toEqual([]);
    // The call is gone: releasing it again is refused with a reason, not a crash.
    const again = await supervisor.post<{ code?: string; status?: number }>(
      `/api/v1/calls/${contactId}/force-release`,
    );
    expect(again.status).toBe(404);
  });

  it('lets agent1 finish wrap-up and take the next customer', async () => {
    const done = await agent.api.post<AgentStateView>('/api/v1/agent/wrap-up/complete', {
      dispositionCode: 'resolved',
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.channels[0]).toMatchObject({ status: 'ready', contacts: [] });

    const next = startCustomer(center, CUSTOMER_HZ);
    try {
      await dialHotline(center, next);
      const bridged = await center.waitForEvent(
        'a second CallBridged to agent1',
        (e) =>
          e.type === 'CallBridged' &&
          e.data.agentId === agent.api.userId &&
          e.streamId !== `contact-${contactId}`,
        30_000,
      );
      await answered(agent, 2);
      hangUp(next);
      expect(await hungUpOn(agent, 2)).toMatch(/session closed/);
      await center.waitForContactEvent(bridged.streamId.slice('contact-'.length), 'ContactEnded');
    } finally {
      await next.phone.stop();
    }
  });
});
