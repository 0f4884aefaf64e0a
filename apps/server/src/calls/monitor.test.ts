import { describe, expect, it } from 'vitest';
import { callHarness, dialAndBridge, NOTHING_LEFT, type Harness } from './test-peers/call-harness';

/** A bridged call (trunk ↔ alice) and a supervisor's answered leg on phone `sup`. */
async function monitoredSetup(h: Harness): Promise<{ caller: string; agent: string; supervisor: string }> {
  const { caller, agent } = await dialAndBridge(h);
  const out = await h.control.execute({ type: 'Originate', request: h.ring('sup') });
  await h.clock.run(100);
  return { caller, agent, supervisor: out.ok ? out.value.legId! : '' };
}

/** The in-memory conference of `legId`'s endpoint, as role names by leg. */
function rolesOf(h: Harness, legId: string): Record<string, string> | undefined {
  const conference = h.media.conferenceOf(h.media.endpointOf(legId)!);
  if (conference === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [id, m] of conference) {
    const whisper = m.whisperTo === undefined ? '' : `>${h.media.legOf(m.whisperTo)}`;
    out[h.media.legOf(id)!] = `${m.role}${whisper}${m.muted ? ' muted' : ''}`;
  }
  return out;
}

const connected = (h: Harness, a: string, b: string) =>
  h.media.areConnected(h.media.endpointOf(a)!, h.media.endpointOf(b)!);

describe('Monitor (supervisor listen, whisper, barge)', () => {
  it('joins the call in each mode, switches live, and leaves the plain bridge behind', async () => {
    const h = callHarness({ phones: { alice: {}, sup: {} } });
    const { caller, agent, supervisor } = await monitoredSetup(h);
    const started = await h.control.execute({
      type: 'Monitor',
      supervisorLegId: supervisor,
      targetLegId: agent,
      mode: 'listen',
    });
    expect(started.ok).toBe(true);
    expect(h.first('MonitorStarted')).toMatchObject({
      legId: supervisor,
      targetLegId: agent,
      partnerLegId: caller,
      mode: 'listen',
    });
    expect(rolesOf(h, caller)).toEqual({ [caller]: 'party', [agent]: 'party', [supervisor]: 'listen' });

    await h.control.execute({ type: 'ChangeMonitorMode', supervisorLegId: supervisor, mode: 'whisper' });
    expect(rolesOf(h, caller)?.[supervisor]).toBe(`whisper>${agent}`);
    await h.control.execute({ type: 'ChangeMonitorMode', supervisorLegId: supervisor, mode: 'barge' });
    expect(rolesOf(h, caller)?.[supervisor]).toBe('barge');
    expect(h.all('MonitorModeChanged').map((e) => `${e.previous}->${e.mode}`)).toEqual([
      'listen->whisper',
      'whisper->barge',
    ]);

    expect((await h.control.execute({ type: 'StopMonitor', supervisorLegId: supervisor })).ok).toBe(true);
    expect(h.first('MonitorEnded')).toMatchObject({
      legId: supervisor,
      targetLegId: agent,
      reason: 'stopped',
    });
    expect(rolesOf(h, caller)).toBeUndefined();
    expect(connected(h, caller, agent)).toBe(true);
    expect(h.control.leg(supervisor)?.state).toBe('answered');

    h.trunk.hangUp();
    await h.control.execute({ type: 'HangUp', legId: supervisor });
    await h.clock.run(100);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('ends monitoring when the supervisor hangs up, and the call goes on as a bridge', async () => {
    const h = callHarness({ phones: { alice: {}, sup: {} } });
    const { caller, agent, supervisor } = await monitoredSetup(h);
    await h.control.execute({
      type: 'Monitor',
      supervisorLegId: supervisor,
      targetLegId: agent,
      mode: 'barge',
    });
    h.phones.sup!.hangUp();
    await h.clock.run(100);
    expect(h.first('MonitorEnded')).toMatchObject({ legId: supervisor, reason: 'supervisor-left' });
    expect(connected(h, caller, agent)).toBe(true);
    expect(h.types(caller)).not.toContain('LegEnded');
    h.trunk.hangUp();
    await h.clock.run(100);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('ends monitoring with the call and on hold, leaving the supervisor up', async () => {
    const h = callHarness({ phones: { alice: {}, sup: {} } });
    const { caller, agent, supervisor } = await monitoredSetup(h);
    await h.control.execute({
      type: 'Monitor',
      supervisorLegId: supervisor,
      targetLegId: agent,
      mode: 'listen',
    });
    const held = h.control.execute({ type: 'Hold', legId: caller });
    await h.clock.run(100);
    expect((await held).ok).toBe(true);
    expect(h.first('MonitorEnded')).toMatchObject({ reason: 'call-held' });
    expect(h.media.conferenceOf(h.media.endpointOf(supervisor)!)).toBeUndefined();
    const resumed = h.control.execute({ type: 'Resume', legId: caller });
    await h.clock.run(100);
    expect((await resumed).ok).toBe(true);
    await h.control.execute({
      type: 'Monitor',
      supervisorLegId: supervisor,
      targetLegId: agent,
      mode: 'whisper',
    });
    h.trunk.hangUp();
    await h.clock.run(100);
    expect(h.all('MonitorEnded').map((e) => e.reason)).toEqual(['call-held', 'call-ended']);
    expect(h.control.leg(supervisor)?.state).toBe('answered');
    await h.control.execute({ type: 'HangUp', legId: supervisor });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('refuses what cannot be monitored, with stable codes', async () => {
    const h = callHarness({ phones: { alice: {}, sup: {}, bob: {} } });
    const { caller, agent, supervisor } = await monitoredSetup(h);
    const code = async (command: Parameters<Harness['control']['execute']>[0]) => {
      const r = await h.control.execute(command);
      return r.ok ? 'ok' : r.error.code;
    };
    const out = await h.control.execute({ type: 'Originate', request: h.ring('bob') });
    await h.clock.run(100);
    const lone = out.ok ? out.value.legId! : '';
    expect(
      await code({ type: 'Monitor', supervisorLegId: supervisor, targetLegId: lone, mode: 'listen' }),
    ).toBe('CALLS.NOT_BRIDGED');
    expect(await code({ type: 'Monitor', supervisorLegId: caller, targetLegId: agent, mode: 'listen' })).toBe(
      'CALLS.SUPERVISOR_NOT_FREE',
    );
    expect(await code({ type: 'Monitor', supervisorLegId: 'nope', targetLegId: agent, mode: 'listen' })).toBe(
      'CALLS.UNKNOWN_LEG',
    );
    expect(await code({ type: 'ChangeMonitorMode', supervisorLegId: supervisor, mode: 'barge' })).toBe(
      'CALLS.NOT_MONITORING',
    );
    expect(await code({ type: 'StopMonitor', supervisorLegId: supervisor })).toBe('CALLS.NOT_MONITORING');
    expect(
      await code({ type: 'Monitor', supervisorLegId: supervisor, targetLegId: agent, mode: 'listen' }),
    ).toBe('ok');
    expect(
      await code({ type: 'Monitor', supervisorLegId: supervisor, targetLegId: agent, mode: 'barge' }),
    ).toBe('CALLS.ALREADY_MONITORING');
    h.trunk.hangUp();
    for (const legId of [supervisor, lone]) await h.control.execute({ type: 'HangUp', legId });
    await h.clock.run(100);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

describe('Conference (three-way call) and Mute', () => {
  it('adds a third party the agent called, and is a two-party call again when it hangs up', async () => {
    const h = callHarness({ phones: { alice: {}, bob: {} } });
    const { caller, agent } = await dialAndBridge(h);
    const out = await h.control.execute({
      type: 'Originate',
      request: { ...h.ring('bob'), role: 'customer' },
    });
    await h.clock.run(100);
    const third = out.ok ? out.value.legId! : '';
    const added = await h.control.execute({ type: 'AddToConference', conferenceLegId: caller, legId: third });
    expect(added.ok).toBe(true);
    expect(h.first('ConferenceJoined')).toMatchObject({ legId: third, conferenceLegId: caller });
    expect(rolesOf(h, agent)).toEqual({ [caller]: 'party', [agent]: 'party', [third]: 'party' });

    expect((await h.control.execute({ type: 'Mute', legId: agent, muted: true })).ok).toBe(true);
    expect(rolesOf(h, caller)?.[agent]).toBe('party muted');
    await h.control.execute({ type: 'Mute', legId: agent, muted: false });
    expect(h.all('LegMuted').map((e) => e.muted)).toEqual([true, false]);

    h.phones.bob!.hangUp();
    await h.clock.run(100);
    expect(h.first('ConferenceLeft')).toMatchObject({ legId: third, reason: 'hung-up' });
    expect(connected(h, caller, agent)).toBe(true);
    h.trunk.hangUp();
    await h.clock.run(100);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('hangs up the added party when the call around it ends', async () => {
    const h = callHarness({ phones: { alice: {}, bob: {} } });
    const { caller } = await dialAndBridge(h);
    const out = await h.control.execute({ type: 'Originate', request: h.ring('bob') });
    await h.clock.run(100);
    const third = out.ok ? out.value.legId! : '';
    await h.control.execute({ type: 'Conference', legIds: [caller, third] });
    h.trunk.hangUp();
    await h.clock.run(100);
    expect(h.first('ConferenceLeft')).toMatchObject({ legId: third, reason: 'call-ended' });
    expect(h.phones.bob!.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('refuses a leg of another call and a leg alone', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await dialAndBridge(h);
    const alone = await h.control.execute({ type: 'Conference', legIds: [caller] });
    expect(alone.ok || alone.error.code).toBe('CALLS.BAD_CONFERENCE');
    const unknown = await h.control.execute({
      type: 'AddToConference',
      conferenceLegId: caller,
      legId: 'nope',
    });
    expect(unknown.ok || unknown.error.code).toBe('CALLS.UNKNOWN_LEG');
    const muted = await h.control.execute({ type: 'Mute', legId: 'nope', muted: true });
    expect(muted.ok || muted.error.code).toBe('CALLS.UNKNOWN_LEG');
    await h.control.execute({ type: 'HangUp', legId: agent });
    await h.clock.run(100);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
