/**
 * The IVR route node's required skills reach routing: a flow that routes with
 * `skills: { vip_service: 3 }` is offered only to the queue's agents who have that skill at that
 * level, and waits while none of them does. In process: the voice rig's SIP wire and phones, the
 * real routing engine through contact-flow, the seeded SQLite tables for skills.
 */
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { FLOW_SCHEMA_VERSION, type Flow } from '@switchboard/ivr';
import type { TenantId } from '@switchboard/kernel';
import { buildCallTimeline } from '../call-records/call-timeline';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { RoutingConfigTables } from '../routing-config/routing-config-tables';
import { voiceRig, type VoiceRig } from './voice-test-rig';

let rig: VoiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The demo hotline's flow id, so the seeded entry point runs it: straight to pre-sales, VIP only. */
const vipFlow: Flow = {
  schemaVersion: FLOW_SCHEMA_VERSION,
  id: 'demo-shop',
  version: 1,
  name: 'VIP service line',
  start: 'toVip',
  nodes: {
    toVip: { type: 'route', queue: 'pre-sales', priority: 5, skills: { vip_service: 3 } },
  },
};

/** Adds the `vip_service` skill to the demo tenant: agent1 at level 2 (too low), agent2 at 4. */
async function grantVipService(r: VoiceRig): Promise<void> {
  const repo = new RoutingConfigRepository(r.database.db as Kysely<RoutingConfigTables>);
  const tenantId = r.tenantId as TenantId;
  await repo.insertSkill(
    tenantId,
    { id: 'skill-vip-service', code: 'vip_service', name: 'VIP 服务 VIP service' },
    new Date(r.clock.now()).toISOString(),
  );
  await repo.grantSkill(tenantId, r.agentId('agent1'), 'skill-vip-service', 2);
  await repo.grantSkill(tenantId, r.agentId('agent2'), 'skill-vip-service', 4);
}

const offeredTo = async (r: VoiceRig, contactId: string): Promise<string[]> =>
  (await r.contactEvents(contactId))
    .filter((e) => e.type === 'ContactOffered')
    .map((e) => (e.data as { agentId: string }).agentId);

describe('required skills from the IVR route node', () => {
  it('offers the caller only to the ready agent with vip_service ≥ 3, skipping the longer-idle one', async () => {
    rig = await voiceRig({
      flows: [vipFlow],
      agents: { agent1: { answerAfterMs: 500 }, agent2: { answerAfterMs: 500 } },
    });
    await grantVipService(rig);
    // agent1 logs in first: longest idle, and a pre-sales member, so without the requirement it
    // would be offered the call.
    await rig.logIn('agent1');
    await rig.advance(1000);
    await rig.logIn('agent2');
    await rig.dial();
    await rig.advance(3000);
    const { contactId } = rig.liveCalls()[0]!;
    const queued = (await rig.contactEvents(contactId)).find((e) => e.type === 'ContactQueued');
    expect(queued?.data).toMatchObject({ priority: 5, requiredSkills: { vip_service: 3 } });
    expect(await offeredTo(rig, contactId)).toEqual([rig.agentId('agent2')]);
    expect(rig.agentPhones.agent1!.methods()).not.toContain('INVITE');
    expect(await rig.agentStatus('agent1')).toBe('ready');
    expect(await rig.agentStatus('agent2')).toBe('busy');
    // The call record's queue step shows what the caller needed.
    const timeline = buildCallTimeline(contactId, await rig.store.readAll({ limit: 10_000 }), {
      manager: true,
    });
    expect(timeline?.entries.find((e) => e.kind === 'queue.entered')?.detail).toEqual({
      queueId: expect.any(String),
      priority: 5,
      kind: 'inbound',
      requiredSkills: { vip_service: 3 },
    });
    expect(await rig.invariants()).toEqual([]);
  });

  it('keeps the caller waiting while no ready agent qualifies, then offers the qualified one', async () => {
    rig = await voiceRig({
      flows: [vipFlow],
      agents: { agent1: { answerAfterMs: 500 }, agent2: { answerAfterMs: 500 } },
    });
    await grantVipService(rig);
    await rig.logIn('agent1');
    await rig.dial();
    await rig.advance(5000);
    const { contactId } = rig.liveCalls()[0]!;
    expect(await rig.contact(contactId)).toMatchObject({
      status: 'waiting',
      requiredSkills: { vip_service: 3 },
    });
    expect(await offeredTo(rig, contactId)).toEqual([]);
    expect(await rig.agentStatus('agent1')).toBe('ready');
    expect(await rig.invariants()).toEqual([]);
    await rig.logIn('agent2');
    await rig.advance(2000);
    expect(await offeredTo(rig, contactId)).toEqual([rig.agentId('agent2')]);
    expect(await rig.agentStatus('agent2')).toBe('busy');
    expect(await rig.agentStatus('agent1')).toBe('ready');
  });
});
