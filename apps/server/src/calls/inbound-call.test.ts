import { describe, expect, it } from 'vitest';
import { callHarness, HOTLINE, NOTHING_LEFT, numberPlan, type Harness } from './test-peers/call-harness';

async function bridgedCall(h: Harness): Promise<{ caller: string; agent: string }> {
  await h.dial();
  await h.clock.run(100);
  const caller = h.first('LegOffered')!.legId;
  const out = await h.control.execute({ type: 'Originate', request: h.ring('alice') });
  if (!out.ok) throw new Error(out.error.message);
  const agent = out.value.legId!;
  const linked = h.control.execute({ type: 'Bridge', legIds: [caller, agent] });
  await h.clock.run(3000);
  expect((await linked).ok).toBe(true);
  return { caller, agent };
}

describe('inbound call answered and bridged to an agent', () => {
  it('answers with our SDP, rings the agent, bridges media once the agent answers', async () => {
    const h = callHarness({ phones: { alice: { answerAfterMs: 2000 } } });
    const { caller, agent } = await bridgedCall(h);
    expect(h.trunk.finals.map((r) => r.status)).toEqual([200]);
    expect(h.control.leg(caller)?.state).toBe('answered');
    expect(h.control.leg(agent)?.bridgedTo).toBe(caller);
    expect(h.types()).toEqual([
      'LegOffered',
      'LegAnswered',
      'LegOffered',
      'LegRinging',
      'LegAnswered',
      'LegsBridged',
    ]);
    expect(h.first('LegsBridged')!.legIds).toEqual([caller, agent]);
    expect(h.media.connections.size).toBe(1);
    expect(h.first('LegAnswered')!.at).toBeLessThan(h.all('LegAnswered')[1]!.at - 1999);
  });

  it('ends both legs with the caller as party when the caller hangs up, leaving nothing behind', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await bridgedCall(h);
    h.trunk.hangUp();
    await h.clock.run(100);
    const ended = h.all('LegEnded');
    expect(ended.map((e) => [e.legId, e.cause, e.party, e.answered])).toEqual([
      [caller, 'normal', 'caller', true],
      [agent, 'normal', 'caller', true],
    ]);
    expect(h.phones.alice!.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('ends both legs with the agent as party when the agent hangs up', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await bridgedCall(h);
    h.phones.alice!.hangUp();
    await h.clock.run(100);
    expect(h.all('LegEnded').map((e) => [e.legId, e.party])).toEqual([
      [agent, 'agent'],
      [caller, 'agent'],
    ]);
    expect(h.trunk.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('answers the ringing caller only when the agent answers (bridge before answer)', async () => {
    const h = callHarness({
      phones: { alice: { answerAfterMs: 4000 } },
      inbound: numberPlan({ [HOTLINE]: { action: 'ring' } }),
    });
    await h.dial();
    await h.clock.run(100);
    const caller = h.first('LegOffered')!.legId;
    expect(h.control.leg(caller)?.state).toBe('ringing');
    const out = await h.control.execute({ type: 'Originate', request: h.ring('alice') });
    const agent = out.ok ? out.value.legId! : '';
    void h.control.execute({ type: 'Bridge', legIds: [caller, agent] });
    await h.clock.run(3000);
    expect(h.trunk.finals).toEqual([]);
    await h.clock.run(2000);
    expect(h.trunk.finals.map((r) => r.status)).toEqual([200]);
    expect(h.first('LegsBridged')!.legIds).toEqual([caller, agent]);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

describe('inbound call refused or abandoned', () => {
  it('answers an unknown number 404 and reports the leg ended as unknown-number', async () => {
    const h = callHarness();
    await h.dial('4000000000');
    await h.clock.run(100);
    expect(h.trunk.finals.map((r) => r.status)).toEqual([404]);
    expect(h.types()).toEqual(['LegOffered', 'LegEnded']);
    expect(h.first('LegEnded')).toMatchObject({
      cause: 'unknown-number',
      party: 'system',
      sipStatus: 404,
      answered: false,
    });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('cancels the agent device when the caller hangs up while both ring', async () => {
    const h = callHarness({
      phones: { alice: { behaviour: 'ring' } },
      inbound: numberPlan({ [HOTLINE]: { action: 'ring' } }),
    });
    await h.dial();
    await h.clock.run(100);
    const caller = h.first('LegOffered')!.legId;
    const out = await h.control.execute({ type: 'Originate', request: h.ring('alice') });
    const agent = out.ok ? out.value.legId! : '';
    void h.control.execute({ type: 'Bridge', legIds: [caller, agent] });
    await h.clock.run(1000);
    h.trunk.hangUp();
    await h.clock.run(200);
    expect(h.trunk.finals.map((r) => r.status)).toEqual([487]);
    expect(h.all('LegEnded').map((e) => [e.legId, e.cause, e.party])).toEqual([
      [caller, 'cancelled', 'caller'],
      [agent, 'cancelled', 'caller'],
    ]);
    expect(h.phones.alice!.methods()).toEqual(['INVITE']);
    expect(h.wire.summaries((r) => r.to.startsWith('192.0.2.11'))).toContain(
      'CANCEL 203.0.113.10:5060->192.0.2.11:5060',
    );
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('refuses with 500 when the inbound handler fails', async () => {
    const h = callHarness({ inbound: { offer: () => Promise.reject(new Error('database down')) } });
    await h.dial();
    await h.clock.run(100);
    expect(h.trunk.finals.map((r) => r.status)).toEqual([500]);
    expect(h.first('LegEnded')).toMatchObject({ cause: 'failed', sipStatus: 500 });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
