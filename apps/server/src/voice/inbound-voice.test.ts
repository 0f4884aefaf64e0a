import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { reject } from '@switchboard/kernel';
import { maskPhoneNumber } from '../customers/caller-identity';
import { QueuePolicyRepository } from '../routing-config/queue-policy-repository';
import type { QueuePolicyTables } from '../routing-config/queue-policy-tables';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { RoutingConfigTables } from '../routing-config/routing-config-tables';
import { IDLE, voiceRig, type VoiceRig } from './voice-test-rig';

let rig: VoiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const WELCOME = '欢迎致电示例商城。';

/** Dials the hotline and waits until the main menu listens. */
async function toMenu(r: VoiceRig, from = '13800138000'): Promise<string> {
  await r.dial('4008001234', from);
  await r.advance(3000);
  return r.voice.activity().calls === 1 ? contactIdOf(r) : '';
}

/** Logs agent1 in, queues a caller on 2 and waits until agent1's phone rings; the contact's id. */
async function ringAgent(r: VoiceRig): Promise<string> {
  await r.logIn('agent1');
  const contactId = await toMenu(r);
  await r.press('2');
  await r.advance(3000);
  expect(await r.agentStatus('agent1')).toBe('reserved');
  return contactId;
}

function contactIdOf(r: VoiceRig): string {
  return [
    ...(
      r.voice as unknown as { inbound: { o: { calls: { byContact: Map<string, unknown> } } } }
    ).inbound.o.calls.byContact.keys(),
  ][0]!;
}

async function contactEvents(r: VoiceRig, contactId: string): Promise<string[]> {
  return (await r.events()).filter((e) => e.metadata.streamId === `contact-${contactId}`).map((e) => e.type);
}

describe('per-queue recording policy', () => {
  it('does not record the calls of a queue whose policy says so, and records the others', async () => {
    rig = await voiceRig({ agents: { agent1: { answerAfterMs: 500 } } });
    const routing = new RoutingConfigRepository(rig.database.db as Kysely<RoutingConfigTables>);
    const presales = await routing.findQueueByCode(rig.tenantId, 'pre-sales');
    const policies = new QueuePolicyRepository(rig.database.db as Kysely<QueuePolicyTables>);
    const policy = await policies.find(rig.tenantId, presales!.id);
    await policies.save(rig.tenantId, presales!.id, { ...policy, recordCalls: false });
    await rig.logIn('agent1');
    await toMenu(rig);
    await rig.press('2');
    await rig.advance(3000);
    expect(await rig.agentStatus('agent1')).toBe('busy');
    expect(rig.recordingPaths).toEqual([]);
  });
});

describe('inbound call through the demo hotline', () => {
  it('plays the welcome, queues on 2, rings the ready agent, bridges, and puts the agent in wrap-up', async () => {
    rig = await voiceRig({ agents: { agent1: { answerAfterMs: 2000 } } });
    await rig.logIn('agent1');
    const contactId = await toMenu(rig);
    expect(rig.trunk.finals.map((f) => f.status)).toEqual([200]);
    expect(rig.played[0]?.text).toBe(WELCOME);
    await rig.press('2');
    await rig.advance(1500);
    expect(rig.agentPhones.agent1!.methods()).toContain('INVITE');
    await rig.advance(3000);
    expect(await rig.agentStatus('agent1')).toBe('busy');
    // Every bridged call is recorded, to a file named by server ids only.
    expect(rig.recordingPaths).toEqual([
      expect.stringMatching(new RegExp(`^/recordings/[^/]+/${contactId}\\.wav$`)),
    ]);
    rig.trunk.hangUp();
    await rig.advance(500);
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    // Routing forgets a contact once it ended.
    expect(await rig.contact(contactId)).toBeUndefined();
    const types = await contactEvents(rig, contactId);
    expect(types).toEqual(
      expect.arrayContaining([
        'CallArrived',
        'IvrStarted',
        'IvrMenuChoiceMade',
        'ContactQueued',
        'ContactOffered',
        'AgentDeviceRung',
        'ContactAnswered',
        'CallBridged',
        'CallEnded',
        'ContactEnded',
      ]),
    );
    expect(types.indexOf('IvrEnded')).toBeLessThan(types.indexOf('ContactQueued'));
    expect(await rig.invariants()).toEqual([]);
    expect(rig.voice.activity()).toEqual(IDLE);
  });

  it('pushes the rung agent a screen pop with the customer and recent orders, number masked', async () => {
    rig = await voiceRig({ agents: { agent1: { behaviour: 'ring' } } });
    await rig.logIn('agent1');
    const contactId = await toMenu(rig, '13800138000');
    await rig.press('2');
    await rig.advance(1500);
    expect(rig.screenPops).toHaveLength(1);
    const [pop] = rig.screenPops;
    expect(pop).toMatchObject({ tenantId: rig.tenantId, contactId, agentId: rig.agentId('agent1') });
    expect(pop!.screenPop.customer?.name).toBe('陈小明');
    expect(pop!.screenPop.recentOrders.map((o) => o.orderNumber).sort()).toEqual([
      '202611120008',
      '202611230007',
    ]);
    expect(pop!.screenPop.openTickets).toEqual([]);
    expect(pop!.screenPop.caller).toEqual({
      status: 'identified',
      masked: maskPhoneNumber('+8613800138000'),
      region: expect.objectContaining({ country: 'CN' }),
    });
    // Personal data minimization: the pushed pop never carries the caller's full number.
    expect(JSON.stringify(pop)).not.toContain('13800138000');
  });

  it('refuses an unknown number with 404 and records the refusal', async () => {
    rig = await voiceRig();
    await rig.dial('4009999999');
    await rig.advance(500);
    expect(rig.trunk.finals.map((f) => f.status)).toEqual([404]);
    const refused = (await rig.events()).filter((e) => e.type === 'CallRefused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.data).toMatchObject({ dialed: '4009999999', sipStatus: 404 });
  });

  it('caller hanging up in the IVR ends the flow and leaves no contact or timer', async () => {
    rig = await voiceRig();
    const contactId = await toMenu(rig);
    rig.trunk.hangUp();
    await rig.advance(10_000);
    const ended = (await rig.events()).find((e) => e.type === 'IvrEnded');
    expect(ended?.data).toMatchObject({ reason: 'caller-hung-up' });
    expect(await contactEvents(rig, contactId)).not.toContain('ContactQueued');
    expect(rig.voice.activity()).toEqual(IDLE);
  });

  it('caller hanging up while queued abandons the contact', async () => {
    rig = await voiceRig();
    const contactId = await toMenu(rig);
    await rig.press('2');
    await rig.advance(3000);
    expect(await contactEvents(rig, contactId)).toContain('ContactQueued');
    rig.trunk.hangUp();
    await rig.advance(500);
    expect(await contactEvents(rig, contactId)).toContain('ContactAbandoned');
    expect(await rig.invariants()).toEqual([]);
    expect(rig.voice.activity().calls).toBe(0);
  });

  it('caller hanging up while the agent rings abandons, cancels the device and frees the agent', async () => {
    rig = await voiceRig({ agents: { agent1: { behaviour: 'ring' } } });
    const contactId = await ringAgent(rig);
    rig.trunk.hangUp();
    await rig.advance(1000);
    const types = await contactEvents(rig, contactId);
    expect(types).toContain('ContactAbandoned');
    expect(rig.control.activity().legs).toBe(0);
    expect(await rig.agentStatus('agent1')).toBe('ready');
    expect(await rig.invariants()).toEqual([]);
    expect(rig.voice.activity()).toEqual(IDLE);
  });

  // The agent's 200 OK crosses a BYE: routing answers the contact while one side's leg is gone
  // already, so there is nobody to bridge the other side to.
  it.each([
    ['the caller hangs up as the agent answers', (r: VoiceRig) => r.trunk.hangUp()],
    ['the agent hangs up as soon as they answer', (r: VoiceRig) => r.agentPhones.agent1!.hangUp()],
  ])('%s: the other side is hung up too, the contact answered and never bridged', async (_, hangUp) => {
    rig = await voiceRig({ agents: { agent1: { behaviour: 'ring' } } });
    const contactId = await ringAgent(rig);
    await rig.agentPhones.agent1!.answer();
    hangUp(rig);
    await rig.advance(1000);
    const types = await contactEvents(rig, contactId);
    expect(types).toEqual(expect.arrayContaining(['ContactAnswered', 'CallEnded', 'ContactEnded']));
    expect(types).not.toContain('CallBridged');
    // Nobody is left on a silent line: both legs and their dialogs are gone, wrap-up began.
    expect(rig.control.activity()).toMatchObject({ legs: 0, dialogs: 0 });
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    expect(await rig.invariants()).toEqual([]);
    expect(rig.voice.activity()).toEqual(IDLE);
  });

  it('a bridge the media layer refuses ends both legs, not two parties left unbridged', async () => {
    rig = await voiceRig({ agents: { agent1: { behaviour: 'ring' } } });
    const contactId = await ringAgent(rig);
    // The media layer cannot connect the two (no ports left on its worker, say).
    rig.media.connect = async () => reject('MEDIA.RTP_PORTS_EXHAUSTED', 'no ports');
    await rig.agentPhones.agent1!.answer();
    await rig.advance(1000);
    const types = await contactEvents(rig, contactId);
    expect(types).toEqual(expect.arrayContaining(['ContactAnswered', 'CallEnded', 'ContactEnded']));
    expect(types).not.toContain('CallBridged');
    expect(rig.trunk.finals.map((f) => f.status)).toEqual([200]);
    expect(rig.control.activity()).toMatchObject({ legs: 0, dialogs: 0 });
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    expect(await rig.invariants()).toEqual([]);
    expect(rig.voice.activity()).toEqual(IDLE);
  });

  it('RONA: an agent who never answers goes not ready and the next agent gets the call', async () => {
    rig = await voiceRig({ agents: { agent1: { behaviour: 'ring' }, agent2: { answerAfterMs: 1000 } } });
    await rig.logIn('agent1');
    await rig.advance(1000);
    await rig.logIn('agent2');
    const contactId = await toMenu(rig);
    await rig.press('2');
    await rig.advance(3000);
    const first = (await rig.events()).find((e) => e.type === 'ContactOffered')!.data as { agentId: string };
    expect(first.agentId).toBe(rig.agentId('agent1'));
    await rig.advance(16_000);
    expect(await contactEvents(rig, contactId)).toEqual(
      expect.arrayContaining(['ContactOfferTimedOut', 'CallBridged']),
    );
    expect(await rig.agentStatus('agent1')).toBe('not-ready');
    expect(await rig.agentStatus('agent2')).toBe('busy');
  });

  it('a busy device is refused at once and the contact goes to the next agent', async () => {
    rig = await voiceRig({ agents: { agent1: { behaviour: 'busy' }, agent2: {} } });
    await rig.logIn('agent1');
    await rig.advance(1000);
    await rig.logIn('agent2');
    const contactId = await toMenu(rig);
    await rig.press('2');
    await rig.advance(4000);
    expect(await contactEvents(rig, contactId)).toEqual(
      expect.arrayContaining(['AgentDeviceFailed', 'ContactOfferRejected', 'CallBridged']),
    );
    expect(await rig.agentStatus('agent2')).toBe('busy');
  });

  it('a VIP caller skips the menu and is queued with priority and the CRM attributes', async () => {
    rig = await voiceRig();
    await rig.dial('4008001234', '13912345678');
    await rig.advance(4000);
    const queued = (await rig.events()).find((e) => e.type === 'ContactQueued');
    expect(queued?.data).toMatchObject({ priority: 10 });
    expect(JSON.stringify(queued?.data)).toContain('"vip":3');
    expect(rig.played.map((p) => p.text)).not.toContain(expect.stringContaining('按1'));
  });

  it('speaks the status of an order looked up in the demo shop', async () => {
    rig = await voiceRig();
    await toMenu(rig);
    await rig.press('1');
    await rig.advance(1500);
    await rig.press('202611230007#');
    await rig.advance(1000);
    expect(rig.played.map((p) => p.text)).toContain('您的订单202611230007状态是待付款。');
  });
});
