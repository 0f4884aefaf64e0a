import { describe, expect, it } from 'vitest';
import { glareRetryDelay } from './re-invite-exchange';
import { callHarness, dialAndBridge, NOTHING_LEFT, type Harness } from './test-peers/call-harness';

async function bridged(h: Harness): Promise<{ caller: string; agent: string }> {
  const legs = await dialAndBridge(h);
  expect(h.first('LegsBridged')).toBeDefined();
  return legs;
}

describe('Hold and Resume (RFC 3264 §8.4)', () => {
  it('re-INVITEs the caller sendonly with music, then sendrecv and reconnects the bridge', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await bridged(h);
    const held = h.control.execute({ type: 'Hold', legId: caller });
    await h.clock.run(100);
    expect((await held).ok).toBe(true);
    expect(h.trunk.lastOfferedDirection()).toBe('sendonly');
    expect(h.control.leg(caller)?.state).toBe('held');
    expect(h.media.musicOnHold.size).toBe(1);
    expect(h.media.connections.size).toBe(0);
    const resumed = h.control.execute({ type: 'Resume', legId: caller });
    await h.clock.run(100);
    expect((await resumed).ok).toBe(true);
    expect(h.trunk.lastOfferedDirection()).toBe('sendrecv');
    expect(h.media.musicOnHold.size).toBe(0);
    expect(h.media.connections.size).toBe(1);
    expect(h.types(caller).slice(-2)).toEqual(['LegHeld', 'LegResumed']);
    expect(h.all('LegsBridged')).toHaveLength(1);
    await h.control.execute({ type: 'HangUp', legId: agent, party: 'agent' });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('plays music to the caller while the agent phone holds the call itself', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await bridged(h);
    h.phones.alice!.reinvite('sendonly');
    await h.clock.run(100);
    expect(h.first('LegHeld')).toMatchObject({ legId: agent, by: 'remote' });
    expect([...h.media.musicOnHold].map((id) => h.media.legOf(id))).toEqual([caller]);
    h.phones.alice!.reinvite('sendrecv');
    await h.clock.run(100);
    expect(h.first('LegResumed')).toMatchObject({ legId: agent, by: 'remote' });
    expect(h.media.musicOnHold.size).toBe(0);
    expect(h.media.connections.size).toBe(1);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('refuses to hold a leg that is not answered', async () => {
    const h = callHarness({ phones: { alice: { behaviour: 'ring' } } });
    const out = await h.control.execute({ type: 'Originate', request: h.ring('alice') });
    const held = await h.control.execute({ type: 'Hold', legId: out.ok ? out.value.legId! : '' });
    expect(held.ok ? '' : held.error.code).toBe('CALLS.NOT_HOLDABLE');
    await h.control.execute({ type: 'HangUp', legId: out.ok ? out.value.legId! : '' });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

describe('re-INVITE glare (RFC 3261 §14.1, §14.2)', () => {
  it('draws retry delays of 2.1-4 s for the Call-ID owner and 0-2 s otherwise, in 10 ms steps', () => {
    const fixed = (n: number) => ({ next: () => n });
    expect(glareRetryDelay(true, fixed(0))).toBe(2100);
    expect(glareRetryDelay(true, fixed(0.9999))).toBe(4000);
    expect(glareRetryDelay(false, fixed(0))).toBe(0);
    expect(glareRetryDelay(false, fixed(0.9999))).toBe(2000);
  });

  it('answers 491 to a crossing re-INVITE and retries ours after the owner delay', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await bridged(h);
    const start = h.clock.now();
    const held = h.control.execute({ type: 'Hold', legId: agent });
    h.phones.alice!.reinvite('sendonly', 500);
    await h.clock.run(6000);
    expect((await held).ok).toBe(true);
    const statuses = h.wire.summaries((r) => r.summary.endsWith(' INVITE') && r.summary.startsWith('491'));
    expect(statuses).toHaveLength(2);
    const ours = h.wire.log.filter(
      (r) => r.summary === 'INVITE' && r.from.startsWith('203.0.113.10') && r.to.startsWith('192.0.2.11'),
    );
    // The initial INVITE, the re-INVITE that met glare, and its retry 2.1-4 s later.
    expect(ours).toHaveLength(3);
    const retryDelay = ours[2]!.at - ours[1]!.at;
    expect(retryDelay).toBeGreaterThanOrEqual(2100);
    expect(retryDelay).toBeLessThanOrEqual(4000);
    expect(ours[1]!.at).toBe(start);
    expect(h.control.leg(agent)?.heldLocally).toBe(true);
    expect(h.control.leg(agent)?.heldRemotely).toBe(true);
    h.trunk.hangUp();
    await h.clock.run(100);
    expect(h.all('LegEnded').map((e) => e.legId)).toEqual([caller, agent]);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
