/**
 * Every way an inbound call can fail to reach a conversation, on the live server with real peers,
 * leaves the books straight: a sipp caller who hangs up while queued or while the agent's phone
 * rings is counted abandoned and holds no agent; baresip (extension 1001, agent1) refusing the
 * call or never answering hands the caller back to the queue, the latter with RONA.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStateView } from '@switchboard/contracts';
import { startBaresip, type BaresipPhone } from '../support/baresip';
import type { SippCall } from '../support/sipp';
import { callHotline, keyPress } from './hotline-caller';
import { startLiveCenter, type ApiSession, type LiveCenter } from './live-center';

/** Routing's ring timeout (DEFAULT_QUEUE_POLICY in contact-flow/routing-setup.ts). */
const RING_TIMEOUT_MS = 20_000;

interface QueueLine {
  readonly queueId: string;
  readonly waiting: number;
  readonly ringing: number;
  readonly agents: Readonly<Record<string, number>>;
  readonly today: { readonly offered: number; readonly abandoned: number };
}

interface AgentLine {
  readonly agentId: string;
  readonly status: string;
}

describe('hang-ups, refusals and no answer on the live server', () => {
  let center: LiveCenter;
  let phone: BaresipPhone;
  let agent: ApiSession;
  let supervisor: ApiSession;
  let preSales: string;
  /** Calls rung on the phone so far (baresip's console counts from the start). */
  let rings = 0;
  let caller: SippCall | undefined;

  beforeAll(async () => {
    center = await startLiveCenter();
    phone = startBaresip({
      user: '1001',
      password: 'demo-phone',
      serverPort: center.sipPort,
      transport: 'udp',
      answerMode: 'manual',
    });
    await phone.registered();
    agent = await center.logIn('agent1', 'demo-agent');
    supervisor = await center.logIn('supervisor', 'demo-supervisor');
    preSales = await center.queueId('pre-sales');
    expect((await agent.post('/api/v1/agent/login')).status).toBe(200);
  }, 60_000);

  afterEach(async () => {
    // A test that failed half-way leaves its caller up; the next one starts without it.
    await caller?.stop();
    caller = undefined;
  });

  afterAll(async () => {
    await phone?.stop();
    expect(await center?.stop()).toBe(0);
  });

  /** A caller who presses 2 (pre-sales) after the welcome; returns its contact id once queued. */
  async function queuedCaller(): Promise<string> {
    caller = await callHotline(center, 'caller-presses-key.xml', {
      files: { 'key.pcap': keyPress('2') },
      timeoutMs: 90_000,
    });
    const contactId = await center.contactOf(caller.callId);
    await center.waitForContactEvent(contactId, 'IvrNodeEntered', (d) => d.nodeId === 'mainMenu');
    await caller.cue();
    await center.waitForContactEvent(contactId, 'ContactQueued');
    return contactId;
  }

  /** The caller hangs up (BYE) and the contact is counted abandoned from `stage`. */
  async function callerHangsUp(contactId: string, stage: string): Promise<void> {
    await caller!.cue();
    const result = await caller!.result;
    expect(result.successful, result.output).toBe(1);
    const ended = await center.waitForContactEvent(contactId, 'CallEnded');
    expect(ended.data).toMatchObject({ party: 'caller', stage });
    await center.waitForContactEvent(contactId, 'ContactAbandoned');
  }

  const agentState = async () => (await agent.get<AgentStateView>('/api/v1/agent/state')).body.channels[0]!;
  const preSalesLine = async () =>
    (await supervisor.get<QueueLine[]>('/api/v1/stats/queues')).body.find((q) => q.queueId === preSales)!;
  /** Nobody is left reserved (ringing) or busy with a call that is gone. */
  const noAgentHeld = async () => {
    const agents = (await supervisor.get<AgentLine[]>('/api/v1/stats/agents')).body;
    expect(agents.filter((a) => a.status === 'reserved' || a.status === 'busy')).toEqual([]);
    expect(await preSalesLine()).toMatchObject({ waiting: 0, ringing: 0 });
  };
  /** Says ready, as the agent's desktop does (routing refuses it with 409 when already ready). */
  const setReady = async () => {
    const ready = await agent.post<AgentStateView>('/api/v1/agent/ready');
    expect(ready.status).toBe(200);
    return ready.body.channels[0]!;
  };
  /** Starts a test with the agent ready, whatever the previous one left. */
  const beReady = async () => {
    const now = await agentState();
    return now.status === 'ready' ? now : setReady();
  };

  it('counts a caller who hangs up while queued as abandoned, and offers them to nobody after', async () => {
    expect((await agent.post('/api/v1/agent/not-ready', { reason: 'break' })).status).toBe(200);
    const contactId = await queuedCaller();
    expect(await preSalesLine()).toMatchObject({ waiting: 1, ringing: 0 });

    await callerHangsUp(contactId, 'queued');
    await noAgentHeld();
    // Routing offers at once when an agent turns ready: a gone caller must not be among the offers.
    expect(await setReady()).toMatchObject({ status: 'ready', contacts: [] });
    expect(center.contactTimeline(contactId)).not.toContain('ContactOffered');
    expect((await preSalesLine()).today.abandoned).toBe(1);
  }, 90_000);

  it('stops the phone ringing when the caller hangs up first, and keeps the agent ready', async () => {
    expect(await beReady()).toMatchObject({ status: 'ready' });
    const contactId = await queuedCaller();
    await center.waitForContactEvent(contactId, 'AgentDeviceRung');
    await phone.ringing(++rings);
    expect(await agentState()).toMatchObject({ status: 'reserved', contacts: [{ contactId }] });

    await callerHangsUp(contactId, 'ringing');
    // The server cancelled the INVITE (RFC 3261 §9): the phone stops ringing.
    expect(await phone.ended(rings)).toMatch(/session closed/);
    expect(await agentState()).toMatchObject({ status: 'ready', reason: null, contacts: [] });
    await noAgentHeld();
    expect(center.contactTimeline(contactId)).not.toContain('ContactOfferTimedOut');
  }, 90_000);

  it('keeps the caller queued when the phone refuses with 486, without offering them to that agent again', async () => {
    expect(await beReady()).toMatchObject({ status: 'ready' });
    const contactId = await queuedCaller();
    await phone.ringing(++rings);
    phone.hangUp();
    const failed = await center.waitForContactEvent(contactId, 'AgentDeviceFailed');
    expect(failed.data).toMatchObject({ agentId: agent.userId, cause: 'busy', sipStatus: 486 });
    await center.waitForContactEvent(contactId, 'ContactOfferRejected');
    // Routing remembers the refusal for this contact; the agent stays ready for other callers.
    expect(await agentState()).toMatchObject({ status: 'ready', contacts: [] });
    expect(await preSalesLine()).toMatchObject({ waiting: 1, ringing: 0 });
    expect(center.contactTimeline(contactId).filter((t) => t === 'ContactOffered')).toHaveLength(1);

    await callerHangsUp(contactId, 'queued');
    await noAgentHeld();
  }, 90_000);

  it('takes an agent whose phone never answers out of rotation (RONA) and offers the caller again once ready', async () => {
    expect(await beReady()).toMatchObject({ status: 'ready' });
    const contactId = await queuedCaller();
    await phone.ringing(++rings);
    const timedOut = await center.waitForContactEvent(
      contactId,
      'ContactOfferTimedOut',
      undefined,
      RING_TIMEOUT_MS + 15_000,
    );
    expect(timedOut.data.agentId).toBe(agent.userId);
    await center.waitForEvent(
      'AgentBecameNotReady with reason RONA',
      (e) => e.type === 'AgentBecameNotReady' && e.data.agentId === agent.userId && e.data.reason === 'RONA',
    );
    expect(await phone.ended(rings)).toMatch(/session closed/);
    expect(await agentState()).toMatchObject({ status: 'not-ready', reason: 'RONA', contacts: [] });
    // Nobody else serves pre-sales now: the caller keeps waiting in line.
    expect(await preSalesLine()).toMatchObject({ waiting: 1, ringing: 0 });
    expect(center.contactTimeline(contactId)).not.toContain('ContactAbandoned');

    // Ready again: the same caller is offered to the agent at once and the phone rings again.
    expect(await setReady()).toMatchObject({ status: 'reserved', contacts: [{ contactId }] });
    await phone.ringing(++rings);
    expect(center.contactTimeline(contactId).filter((t) => t === 'ContactOffered')).toHaveLength(2);

    await callerHangsUp(contactId, 'ringing');
    expect(await phone.ended(rings)).toMatch(/session closed/);
    // The caller waited past the demo queue's 10 s, so the abandon becomes a callback (queue
    // policy) that the ready agent may already be reserved for; nothing else may hold the agent.
    await center.waitForContactEvent(`${contactId}:callback`, 'ContactQueued');
    const held = (await agentState()).contacts.map((c) => c.contactId);
    expect(held.filter((id) => id !== `${contactId}:callback`)).toEqual([]);
  }, 120_000);
});
