import { afterEach, describe, expect, it } from 'vitest';
import { B2BUA } from '../calls/test-peers/call-harness';
import { callActionsRig, CALLER, type CallActionsRig } from '../call-actions/call-actions-test-rig';
import { addTenantWithAdmin } from '../../test/support/test-server';

let rig: CallActionsRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The trunk calls the hotline and chooses 2 (pre-sales); resolves with the call's contact id. */
async function callPreSales(r: CallActionsRig, from = CALLER): Promise<string> {
  const before = new Set(r.index.list(r.tenantId).map((c) => c.contactId));
  await r.trunk.dial(`sip:4008001234@${B2BUA.host}`, B2BUA, from);
  await r.advance(3000);
  r.trunk.sendDigit('2');
  await r.advance(500);
  return r.index.list(r.tenantId).find((c) => !before.has(c.contactId))!.contactId;
}

const kinds = (detail: { timeline: { kind: string }[] }) => detail.timeline.map((e) => e.kind);

describe('the call detail', () => {
  it('shows the timeline from the event log: IVR path, queue, RONA, answer, hold, hang-up, recording', async () => {
    rig = await callActionsRig({ phones: { agent1: { behaviour: 'ring' }, agent2: {} } });
    await rig.logIn('agent1');
    await rig.advance(1000);
    await rig.logIn('agent2');
    const contactId = await callPreSales(rig);
    // agent1, idle longest, is offered the call first and never answers: RONA after 15 s.
    await rig.advance(17_000);
    expect(rig.index.ofContact(rig.tenantId, contactId)?.agentId).toBe(rig.userId('agent2'));
    await rig.request('agent2', 'POST', `/api/v1/calls/${contactId}/hold`);
    await rig.advance(2000);
    await rig.request('agent2', 'POST', `/api/v1/calls/${contactId}/resume`);
    rig.trunk.hangUp();
    await rig.advance(500);

    const res = await rig.request('supervisor', 'GET', `/api/v1/calls/${contactId}`);
    expect(res.statusCode).toBe(200);
    const detail = res.json();
    const steps = kinds(detail);
    const order = [
      'call.arrived',
      'ivr.started',
      'ivr.menu_choice',
      'ivr.ended',
      'queue.entered',
      'offer.made',
      'offer.timed_out',
      'call.answered',
      'call.bridged',
      'call.held',
      'call.resumed',
      'call.ended',
      'contact.ended',
    ];
    const positions = order.map((k) => steps.indexOf(k));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(detail.timeline.find((e: { kind: string }) => e.kind === 'ivr.menu_choice').detail).toMatchObject({
      digit: '2',
    });
    expect(detail.timeline.find((e: { kind: string }) => e.kind === 'offer.timed_out').agentId).toBe(
      rig.userId('agent1'),
    );
    expect(detail.timeline.find((e: { kind: string }) => e.kind === 'call.ended').detail).toMatchObject({
      party: 'caller',
    });
    expect(detail.summary).toMatchObject({
      contactId,
      dialed: '4008001234',
      outcome: 'answered',
      agentIds: [rig.userId('agent2')],
      caller: { masked: '138****8000', e164: '+8613800138000' },
      hangUp: { party: 'caller', cause: 'normal' },
      // Served, as null, while no leg's quality was measured (the rig's media measures none).
      mos: null,
    });
    expect(detail.summary.waitMs).toBeGreaterThanOrEqual(15_000);
    expect(detail.recordings).toEqual([
      expect.objectContaining({ href: expect.stringMatching(/^\/api\/v1\/recordings\/[^/]+\/audio$/) }),
    ]);

    // The agent who talked sees it, masked and without recordings; the one who never answered does not.
    const own = await rig.request('agent2', 'GET', `/api/v1/calls/${contactId}`);
    expect(own.json().summary.caller).toEqual({ masked: '138****8000', e164: null });
    expect(own.json().recordings).toBeNull();
    expect(JSON.stringify(own.json())).not.toContain('13800138000');
    const missed = await rig.request('agent1', 'GET', `/api/v1/calls/${contactId}`);
    expect(missed.statusCode).toBe(404);
    expect(missed.json().code).toBe('CDR.NOT_FOUND');
    await addTenantWithAdmin(rig.server, 'other', 'boss', 'boss-password-1');
    const boss = await rig.server.login('boss', 'boss-password-1', 'other');
    expect((await rig.request(boss, 'GET', `/api/v1/calls/${contactId}`)).statusCode).toBe(404);
  });

  it('shows transfers, supervisors and the disposition; an agent never sees a supervisor who only listened', async () => {
    rig = await callActionsRig();
    await rig.logIn('agent1');
    const contactId = await rig.callAnsweredBy('agent1');
    await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/monitor`, { mode: 'listen' });
    await rig.advance(500);
    await rig.request('supervisor', 'POST', `/api/v1/calls/${contactId}/monitor/stop`);
    await rig.logIn('agent2');
    await rig.request('agent1', 'POST', `/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'agent', agentId: rig.userId('agent2') },
    });
    await rig.advance(500);
    await rig.request('agent1', 'POST', '/api/v1/agent/wrap-up/complete', {
      dispositionCode: 'transferred',
      notes: '转售后',
    });
    rig.trunk.hangUp();
    await rig.advance(500);

    const supervisor = (await rig.request('supervisor', 'GET', `/api/v1/calls/${contactId}`)).json();
    expect(kinds(supervisor)).toEqual(
      expect.arrayContaining([
        'supervisor.joined',
        'supervisor.left',
        'transfer.started',
        'transfer.completed',
      ]),
    );
    expect(supervisor.summary).toMatchObject({
      agentIds: [rig.userId('agent1'), rig.userId('agent2')],
      disposition: { code: 'transferred', notes: '转售后' },
    });
    for (const agent of ['agent1', 'agent2']) {
      const seen = (await rig.request(agent, 'GET', `/api/v1/calls/${contactId}`)).json();
      expect(kinds(seen)).toContain('transfer.completed');
      expect(kinds(seen).filter((k) => k.startsWith('supervisor.'))).toEqual([]);
    }
  });
});

describe('the call list', () => {
  it('filters by outcome, agent, queue and time, pages with a cursor, and keeps agents to their own calls', async () => {
    rig = await callActionsRig();
    // An abandoned call: nobody is logged in, the caller gives up in the queue.
    const abandoned = await callPreSales(rig, '13700137000');
    await rig.advance(5000);
    rig.trunk.hangUp();
    await rig.advance(1000);
    await rig.logIn('agent1');
    const answered = await rig.callAnsweredBy('agent1');
    rig.trunk.hangUp();
    await rig.advance(500);

    const list = async (who: string, query = '') => rig!.request(who, 'GET', `/api/v1/calls${query}`);
    const all = (await list('supervisor')).json();
    expect(all.items.map((c: { contactId: string }) => c.contactId)).toEqual([answered, abandoned]);
    expect(all.items[1]).toMatchObject({
      outcome: 'abandoned',
      agentIds: [],
      caller: { masked: '137****7000' },
    });
    expect(all.nextCursor).toBeNull();
    const outcome = (await list('supervisor', '?outcome=abandoned')).json();
    expect(outcome.items.map((c: { contactId: string }) => c.contactId)).toEqual([abandoned]);
    const byAgent = (await list('supervisor', `?agentId=${rig.userId('agent1')}`)).json();
    expect(byAgent.items.map((c: { contactId: string }) => c.contactId)).toEqual([answered]);
    const queueId = all.items[0].queueIds[0] as string;
    expect((await list('supervisor', `?queueId=${queueId}`)).json().items).toHaveLength(2);
    expect((await list('supervisor', '?queueId=elsewhere')).json().items).toEqual([]);
    const first = (await list('supervisor', '?limit=1')).json();
    expect(first.items.map((c: { contactId: string }) => c.contactId)).toEqual([answered]);
    const second = (await list('supervisor', `?limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((c: { contactId: string }) => c.contactId)).toEqual([abandoned]);
    const later = new Date(rig.clock.now() + 60_000).toISOString();
    expect((await list('supervisor', `?from=${encodeURIComponent(later)}`)).json().items).toEqual([]);
    const window = `?from=2026-11-23T00:00:00Z&to=${encodeURIComponent(later)}`;
    expect((await list('supervisor', window)).json().items).toHaveLength(2);

    // Agents: their own calls only, numbers masked.
    const mine = (await list('agent1')).json();
    expect(mine.items.map((c: { contactId: string }) => c.contactId)).toEqual([answered]);
    expect(mine.items[0].caller.e164).toBeNull();
    expect((await list('agent2')).json().items).toEqual([]);
    const others = await list('agent2', `?agentId=${rig.userId('agent1')}`);
    expect(others.statusCode).toBe(403);

    const backwards = await list('supervisor', `?from=${encodeURIComponent(later)}&to=2026-11-23T00:00:00Z`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().detail).toBe('`from` must be before `to`');
    expect((await list('supervisor', '?outcome=lost')).statusCode).toBe(400);
    expect((await list('supervisor', '?limit=0')).statusCode).toBe(400);
    expect((await list('supervisor', '?cursor=abc')).statusCode).toBe(400);
  });
});
