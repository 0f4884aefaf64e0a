import { describe, expect, it } from 'vitest';
import type { LegEnded } from './call-events';
import { callHarness, dialAndBridge, NOTHING_LEFT, type Harness } from './test-peers/call-harness';

const REFUSED = { kind: 'send', code: 'ERR_SOCKET_DGRAM_NOT_RUNNING', message: 'Not running' } as const;
const THREW = { kind: 'receive', code: 'ERR_UNKNOWN', message: 'a bug' } as const;

function ends(h: Harness): Pick<LegEnded, 'legId' | 'cause' | 'party' | 'answered'>[] {
  return h.all('LegEnded').map(({ legId, cause, party, answered }) => ({ legId, cause, party, answered }));
}

describe('a media fault on a leg', () => {
  it("ends a bridged call whose agent leg cannot send, both legs media-failed, the caller's first", async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await dialAndBridge(h);
    expect(h.first('LegsBridged')).toBeDefined();

    expect(h.media.reportFault(agent, REFUSED)).toBe(true);
    expect(h.all('LegMediaFault')).toEqual([
      { type: 'LegMediaFault', legId: agent, at: h.clock.now(), ...REFUSED },
    ]);
    // The fault is told before the ends, so whoever journals it still finds the call.
    expect(h.types().slice(-3)).toEqual(['LegMediaFault', 'LegEnded', 'LegEnded']);
    expect(ends(h)).toEqual([
      { legId: caller, cause: 'media-failed', party: 'system', answered: true },
      { legId: agent, cause: 'media-failed', party: 'system', answered: true },
    ]);
    await h.clock.run(100);
    // Both phones got their BYE: neither the agent nor the caller is left on a silent call.
    expect(h.trunk.ended).toEqual(['bye-received']);
    expect(h.phones.alice!.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it("ends the call when the caller's leg cannot send, on hold as well", async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await dialAndBridge(h);
    const held = h.control.execute({ type: 'Hold', legId: caller });
    await h.clock.run(200);
    expect((await held).ok).toBe(true);

    h.media.reportFault(caller, REFUSED);
    expect(ends(h)).toEqual([
      { legId: caller, cause: 'media-failed', party: 'system', answered: true },
      { legId: agent, cause: 'media-failed', party: 'system', answered: true },
    ]);
    await h.clock.run(100);
    expect(h.trunk.ended).toEqual(['bye-received']);
    expect(h.phones.alice!.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('ends a caller alone in the IVR whose leg cannot send: no prompt would reach them', async () => {
    const h = callHarness();
    await h.dial();
    await h.clock.run(100);
    const caller = h.first('LegAnswered')!.legId;
    h.media.reportFault(caller, REFUSED);
    expect(ends(h)).toEqual([{ legId: caller, cause: 'media-failed', party: 'system', answered: true }]);
    await h.clock.run(100);
    expect(h.trunk.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('ends only a ringing agent leg that cannot send: the caller waits for the next agent', async () => {
    const h = callHarness({ phones: { alice: { behaviour: 'ring' } } });
    await h.dial();
    await h.clock.run(100);
    const caller = h.first('LegOffered')!.legId;
    const out = await h.control.execute({ type: 'Originate', request: h.ring('alice') });
    const agent = out.ok ? out.value.legId! : '';
    await h.control.execute({ type: 'Bridge', legIds: [caller, agent] });
    await h.clock.run(100);

    h.media.reportFault(agent, REFUSED);
    await h.clock.run(100);
    expect(ends(h)).toEqual([{ legId: agent, cause: 'media-failed', party: 'system', answered: false }]);
    expect(h.control.leg(caller)).toBeDefined();
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('keeps the call after a receive fault: one packet was lost, the next ones get through', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await dialAndBridge(h);
    h.media.reportFault(caller, THREW);
    expect(h.all('LegMediaFault')).toEqual([
      { type: 'LegMediaFault', legId: caller, at: h.clock.now(), ...THREW },
    ]);
    await h.clock.run(1000);
    expect(h.all('LegEnded')).toEqual([]);
    expect(h.control.leg(agent)?.bridgedTo).toBe(caller);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('ignores a report about an endpoint no leg has', async () => {
    const h = callHarness({ phones: { alice: {} } });
    await dialAndBridge(h);
    expect(h.media.reportFault('no-such-leg', REFUSED)).toBe(false);
    expect(h.all('LegMediaFault')).toEqual([]);
    expect(h.all('LegEnded')).toEqual([]);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
