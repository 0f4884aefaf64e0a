/**
 * A supervisor listens, whispers and barges into a live call over the HTTP API, with real phones:
 * a VIP customer on baresip (500 Hz) dials the hotline and reaches agent1 on extension 1001
 * (900 Hz); the supervisor's phone (1400 Hz) is rung by the monitor request and joined in each mode
 * in turn. Who hears whom is read from each phone's capture, span by span.
 *
 * The demo `supervisor` user has no SIP extension (the demo phones 1001–1005 belong to agent1–5
 * and the API offers no way to give a user one), so an admin grants agent5 the supervisor role and
 * agent5's phone 1005 is the supervisor's device here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answered,
  bridgedContact,
  dialHotline,
  hangUp,
  hungUpOn,
  openEventStream,
  span,
  startCustomer,
  startDeskAgent,
  talkFor,
  tonesIn,
  type DeskAgent,
  type EventStream,
  type PhoneOnCall,
} from './call-desk';
import { startLiveCenter, type ApiSession, type LiveCenter } from './live-center';

const CUSTOMER_HZ = 500;
const AGENT_HZ = 900;
const SUPERVISOR_HZ = 1400;
const TONES = { customer: CUSTOMER_HZ, agent: AGENT_HZ, supervisor: SUPERVISOR_HZ };
/** How long each mode lasts: enough for a settled span of a few seconds. */
const MODE_MS = 4500;
/** A tone heard at all (a mix of two tones gives each about half the power). */
const HEARD = 0.15;
/** A tone not heard: leakage and codec noise stay far below this. */
const SILENT = 0.02;

interface AuditEntry {
  readonly action: string;
  readonly actor: string | null;
  readonly targetId: string | null;
  readonly details: Record<string, unknown> | null;
}

describe('a supervisor listening, whispering and barging with real phones', () => {
  let center: LiveCenter;
  let customer: PhoneOnCall;
  let agent: DeskAgent;
  let supervisor: DeskAgent;
  let agentStream: EventStream;
  let contactId: string;
  /** Wall time at which each phase began. */
  const at = { talk: 0, listen: 0, whisper: 0, barge: 0, stopped: 0, end: 0 };
  let heard: { customer: Int16Array; agent: Int16Array; supervisor: Int16Array };

  beforeAll(async () => {
    center = await startLiveCenter();
    const admin = await center.logIn('admin', 'demo-admin');
    const users = await admin.get<{ id: string; username: string }[]>('/api/v1/users');
    const agent5 = users.body.find((u) => u.username === 'agent5');
    if (agent5 === undefined) throw new Error(`no agent5: ${JSON.stringify(users.body)}`);
    const granted = await admin.put(`/api/v1/users/${agent5.id}/roles`, { roles: ['agent', 'supervisor'] });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);

    agent = await startDeskAgent(center, '1001', 'agent1', AGENT_HZ);
    supervisor = await startDeskAgent(center, '1005', 'agent5', SUPERVISOR_HZ, { ready: false });
    agentStream = await openEventStream(center, agent.api);
    customer = startCustomer(center, CUSTOMER_HZ);
    await dialHotline(center, customer);
    contactId = await bridgedContact(center, agent.api.userId);
    await answered(agent);
    at.talk = Date.now();
    await talkFor(MODE_MS);

    const boss = supervisor.api;
    const monitor = await boss.post<{ supervisors: unknown[] }>(`/api/v1/calls/${contactId}/monitor`, {
      mode: 'listen',
    });
    expect(monitor.status, JSON.stringify(monitor.body)).toBe(202);
    await answered(supervisor);
    await center.waitForContactEvent(contactId, 'SupervisorJoinedCall');
    at.listen = Date.now();
    await talkFor(MODE_MS);
    at.whisper = await changeMode(boss, 'whisper');
    await talkFor(MODE_MS);
    at.barge = await changeMode(boss, 'barge');
    await talkFor(MODE_MS);
    const stop = await boss.post(`/api/v1/calls/${contactId}/monitor/stop`);
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    expect(await hungUpOn(supervisor)).toMatch(/session closed/);
    at.stopped = supervisor.endedAt;
    await talkFor(MODE_MS);
    at.end = Date.now();

    hangUp(customer);
    expect(await hungUpOn(agent)).toMatch(/session closed/);
    await center.waitForContactEvent(contactId, 'ContactEnded');
    heard = {
      customer: customer.phone.heard(),
      agent: agent.phone.heard(),
      supervisor: supervisor.phone.heard(),
    };
  }, 180_000);

  afterAll(async () => {
    agentStream?.close();
    await Promise.all([customer?.phone.stop(), agent?.phone.stop(), supervisor?.phone.stop()]);
    expect(await center?.stop()).toBe(0);
  });

  async function changeMode(boss: ApiSession, mode: string): Promise<number> {
    const changed = await boss.post<{ supervisors: { mode: string }[] }>(
      `/api/v1/calls/${contactId}/monitor/mode`,
      { mode },
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.supervisors).toEqual([expect.objectContaining({ mode, joined: true })]);
    return Date.now();
  }

  /** What `who` heard between two phases. */
  function tones(who: 'customer' | 'agent' | 'supervisor', from: number, to: number) {
    const party = { customer, agent, supervisor }[who];
    return tonesIn(span(party, heard[who], from, to), TONES);
  }

  it('connects the customer and agent1 alone before the supervisor comes', () => {
    const customerHeard = tones('customer', at.talk, at.listen);
    const agentHeard = tones('agent', at.talk, at.listen);
    expect(customerHeard.agent, JSON.stringify(customerHeard)).toBeGreaterThan(0.5);
    expect(agentHeard.customer, JSON.stringify(agentHeard)).toBeGreaterThan(0.5);
  });

  it('listen: the supervisor hears both, and neither hears the supervisor', () => {
    const sup = tones('supervisor', at.listen, at.whisper);
    expect(sup.customer, JSON.stringify(sup)).toBeGreaterThan(HEARD);
    expect(sup.agent, JSON.stringify(sup)).toBeGreaterThan(HEARD);
    const customerHeard = tones('customer', at.listen, at.whisper);
    const agentHeard = tones('agent', at.listen, at.whisper);
    expect(customerHeard.supervisor, JSON.stringify(customerHeard)).toBeLessThan(SILENT);
    expect(agentHeard.supervisor, JSON.stringify(agentHeard)).toBeLessThan(SILENT);
    // The call goes on as before.
    expect(customerHeard.agent, JSON.stringify(customerHeard)).toBeGreaterThan(HEARD);
    expect(agentHeard.customer, JSON.stringify(agentHeard)).toBeGreaterThan(HEARD);
  });

  it('whisper: agent1 hears the supervisor, the customer does not', () => {
    const agentHeard = tones('agent', at.whisper, at.barge);
    expect(agentHeard.supervisor, JSON.stringify(agentHeard)).toBeGreaterThan(HEARD);
    expect(agentHeard.customer, JSON.stringify(agentHeard)).toBeGreaterThan(HEARD);
    const customerHeard = tones('customer', at.whisper, at.barge);
    expect(customerHeard.supervisor, JSON.stringify(customerHeard)).toBeLessThan(SILENT);
    expect(customerHeard.agent, JSON.stringify(customerHeard)).toBeGreaterThan(HEARD);
    const sup = tones('supervisor', at.whisper, at.barge);
    expect(sup.customer, JSON.stringify(sup)).toBeGreaterThan(HEARD);
    expect(sup.agent, JSON.stringify(sup)).toBeGreaterThan(HEARD);
  });

  it('barge: the customer and agent1 both hear the supervisor', () => {
    const agentHeard = tones('agent', at.barge, at.stopped);
    const customerHeard = tones('customer', at.barge, at.stopped);
    expect(agentHeard.supervisor, JSON.stringify(agentHeard)).toBeGreaterThan(HEARD);
    expect(customerHeard.supervisor, JSON.stringify(customerHeard)).toBeGreaterThan(HEARD);
    expect(agentHeard.customer, JSON.stringify(agentHeard)).toBeGreaterThan(HEARD);
    expect(customerHeard.agent, JSON.stringify(customerHeard)).toBeGreaterThan(HEARD);
  });

  it('stop: the supervisor leaves and the call is two parties again', () => {
    const customerHeard = tones('customer', at.stopped, at.end);
    const agentHeard = tones('agent', at.stopped, at.end);
    expect(customerHeard.supervisor, JSON.stringify(customerHeard)).toBeLessThan(SILENT);
    expect(agentHeard.supervisor, JSON.stringify(agentHeard)).toBeLessThan(SILENT);
    expect(customerHeard.agent, JSON.stringify(customerHeard)).toBeGreaterThan(0.5);
    expect(agentHeard.customer, JSON.stringify(agentHeard)).toBeGreaterThan(0.5);
    const types = center.contactTimeline(contactId);
    expect(types).toContain('SupervisorLeftCall');
  });

  it('audits each of the supervisor’s actions on the call', async () => {
    const admin = await center.logIn('admin', 'demo-admin');
    const audit = await admin.get<AuditEntry[]>('/api/v1/audit-log?limit=500');
    expect(audit.status).toBe(200);
    const onCall = audit.body
      .filter((e) => e.targetId === contactId && e.action.startsWith('call.monitor'))
      .reverse()
      .map((e) => ({ action: e.action, actor: e.actor, mode: e.details?.mode, outcome: e.details?.outcome }));
    expect(onCall).toEqual([
      { action: 'call.monitor_started', actor: 'agent5', mode: 'listen', outcome: 'done' },
      { action: 'call.monitor_mode_changed', actor: 'agent5', mode: 'whisper', outcome: 'done' },
      { action: 'call.monitor_mode_changed', actor: 'agent5', mode: 'barge', outcome: 'done' },
      { action: 'call.monitor_stopped', actor: 'agent5', mode: undefined, outcome: 'done' },
    ]);
  });

  it('never tells agent1’s event stream about the listening, only about being whispered to', async () => {
    const joined = await agentStream.next('supervisor.monitor_mode_changed');
    expect(joined).toMatchObject({ contactId, mode: 'whisper', announced: true });
    const supervisorEvents = agentStream.events.filter((e) => e.name.startsWith('supervisor.'));
    expect(supervisorEvents.map((e) => e.data.mode ?? e.name)).not.toContain('listen');
    expect(supervisorEvents.every((e) => e.data.announced === true)).toBe(true);
    expect(supervisorEvents.map((e) => e.name)).not.toContain('supervisor.joined_call');
    // The stream is agent1's: it did carry the call itself.
    expect(agentStream.events.map((e) => e.name)).toContain('contact.answered');
  });
});
