import { serializeMessage, type SipMessage } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import { nextLegState } from './leg-state';
import { callHarness, NOTHING_LEFT } from './test-peers/call-harness';

/** Drops the first copy of every distinct datagram: each message only gets through when retransmitted. */
function dropFirstCopies(): (m: SipMessage) => boolean {
  const seen = new Set<string>();
  return (m) => {
    const key = new TextDecoder().decode(serializeMessage(m));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

describe('calls over a lossy UDP wire', () => {
  it('completes answer, bridge and hang-up when every first transmission is lost', async () => {
    const h = callHarness({ phones: { alice: {} }, wire: { drop: dropFirstCopies() } });
    await h.dial();
    await h.clock.run(2000);
    const caller = h.first('LegOffered')!.legId;
    expect(h.control.leg(caller)?.state).toBe('answered');
    const out = await h.control.execute({ type: 'Originate', request: h.ring('alice') });
    const agent = out.ok ? out.value.legId! : '';
    await h.control.execute({ type: 'Bridge', legIds: [caller, agent] });
    await h.clock.run(5000);
    expect(h.first('LegsBridged')!.legIds).toEqual([caller, agent]);
    h.trunk.hangUp();
    await h.clock.run(5000);
    expect(h.all('LegEnded').map((e) => [e.legId, e.party])).toEqual([
      [caller, 'caller'],
      [agent, 'caller'],
    ]);
    expect(h.wire.log.filter((r) => r.dropped).length).toBeGreaterThan(8);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('absorbs duplicated datagrams without duplicate events', async () => {
    const h = callHarness({ phones: { alice: {} }, wire: { duplicate: () => true } });
    await h.dial();
    await h.clock.run(100);
    const out = await h.control.execute({ type: 'Originate', request: h.ring('alice') });
    await h.control.execute({
      type: 'Bridge',
      legIds: [h.first('LegOffered')!.legId, out.ok ? out.value.legId! : ''],
    });
    await h.clock.run(500);
    h.phones.alice!.hangUp();
    await h.clock.run(500);
    expect(h.types()).toEqual([
      'LegOffered',
      'LegAnswered',
      'LegOffered',
      'LegRinging',
      'LegAnswered',
      'LegsBridged',
      'LegEnded',
      'LegEnded',
    ]);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

describe('leg state machine', () => {
  it('allows the documented transitions and refuses the rest', () => {
    expect(nextLegState('offered', 'ring')).toBe('ringing');
    expect(nextLegState('ringing', 'early-media')).toBe('early');
    expect(nextLegState('early', 'ring')).toBe('early');
    expect(nextLegState('ringing', 'answer')).toBe('answered');
    expect(nextLegState('answered', 'hold')).toBe('held');
    expect(nextLegState('held', 'resume')).toBe('answered');
    expect(nextLegState('offered', 'hold')).toBeUndefined();
    expect(nextLegState('terminated', 'answer')).toBeUndefined();
    expect(nextLegState('held', 'end')).toBe('terminated');
  });
});
