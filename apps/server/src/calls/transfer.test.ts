import { describe, expect, it } from 'vitest';
import { callHarness, dialAndBridge, NOTHING_LEFT } from './test-peers/call-harness';

describe('BlindTransfer (inside the B2BUA)', () => {
  it('ends the agent leg, plays music to the caller, and bridges the caller to the new agent', async () => {
    const h = callHarness({ phones: { alice: {}, bob: { answerAfterMs: 2000 } } });
    const { caller, agent } = await dialAndBridge(h);
    const moved = await h.control.execute({ type: 'BlindTransfer', legId: agent, target: h.ring('bob') });
    const bobLeg = moved.ok ? moved.value.legId! : '';
    await h.clock.run(100);
    expect(h.first('LegEnded')).toMatchObject({ legId: agent, cause: 'transferred', party: 'agent' });
    expect(h.phones.alice!.ended).toEqual(['bye-received']);
    expect([...h.media.musicOnHold].map((id) => h.media.legOf(id))).toEqual([caller]);
    await h.clock.run(2100);
    expect(h.first('LegTransferred')).toMatchObject({
      legId: caller,
      kind: 'blind',
      fromLegId: agent,
      toLegId: bobLeg,
    });
    expect(h.control.leg(caller)?.bridgedTo).toBe(bobLeg);
    expect(h.media.musicOnHold.size).toBe(0);
    expect(h.trunk.ended).toEqual([]);
    h.trunk.hangUp();
    await h.clock.run(100);
    expect(h.phones.bob!.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('reports TransferFailed and keeps the caller on music when the target is busy', async () => {
    const h = callHarness({ phones: { alice: {}, bob: { behaviour: 'busy' } } });
    const { caller, agent } = await dialAndBridge(h);
    await h.control.execute({ type: 'BlindTransfer', legId: agent, target: h.ring('bob') });
    await h.clock.run(200);
    expect(h.first('TransferFailed')).toMatchObject({ legId: caller, cause: 'busy', sipStatus: 486 });
    expect(h.control.leg(caller)?.state).toBe('answered');
    expect(h.media.musicOnHold.size).toBe(1);
    await h.control.execute({ type: 'HangUp', legId: caller });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

describe('Consult and AttendedTransfer', () => {
  it('holds the caller, connects the agent to the consulted agent, then hands the caller over', async () => {
    const h = callHarness({ phones: { alice: {}, bob: { answerAfterMs: 1000 } } });
    const { caller, agent } = await dialAndBridge(h);
    const consulted = h.control.execute({ type: 'Consult', legId: agent, target: h.ring('bob') });
    await h.clock.run(100);
    const out = await consulted;
    const bobLeg = out.ok ? out.value.legId! : '';
    expect(h.trunk.lastOfferedDirection()).toBe('sendonly');
    await h.clock.run(1100);
    expect(h.first('ConsultationStarted')).toMatchObject({ legId: agent, consultLegId: bobLeg });
    const done = h.control.execute({ type: 'AttendedTransfer', legId: agent });
    await h.clock.run(200);
    expect((await done).ok).toBe(true);
    expect(h.trunk.lastOfferedDirection()).toBe('sendrecv');
    expect(h.first('LegEnded')).toMatchObject({ legId: agent, cause: 'transferred' });
    expect(h.first('LegTransferred')).toMatchObject({
      legId: caller,
      kind: 'attended',
      fromLegId: agent,
      toLegId: bobLeg,
    });
    expect(h.control.leg(caller)?.bridgedTo).toBe(bobLeg);
    expect(h.media.musicOnHold.size).toBe(0);
    h.phones.bob!.hangUp();
    await h.clock.run(100);
    expect(h.all('LegEnded').map((e) => [e.legId, e.party])).toEqual([
      [agent, 'agent'],
      [bobLeg, 'agent'],
      [caller, 'agent'],
    ]);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('completes the transfer when the consulting agent simply hangs up', async () => {
    const h = callHarness({ phones: { alice: {}, bob: {} } });
    const { caller, agent } = await dialAndBridge(h);
    const consulted = h.control.execute({ type: 'Consult', legId: agent, target: h.ring('bob') });
    await h.clock.run(300);
    const bobLeg = (await consulted).ok ? h.all('LegOffered')[2]!.legId : '';
    h.phones.alice!.hangUp();
    await h.clock.run(300);
    expect(h.first('LegTransferred')).toMatchObject({ legId: caller, toLegId: bobLeg, kind: 'attended' });
    expect(h.control.leg(caller)?.state).toBe('answered');
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
