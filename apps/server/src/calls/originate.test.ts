import { describe, expect, it } from 'vitest';
import { callHarness, NOTHING_LEFT } from './test-peers/call-harness';

describe('Originate to an agent device', () => {
  it('cancels after the ring timeout and reports no-answer from the system (RONA)', async () => {
    const h = callHarness({ phones: { alice: { behaviour: 'ring' } } });
    const out = await h.control.execute({
      type: 'Originate',
      request: { ...h.ring('alice'), timeoutMs: 15_000 },
    });
    const leg = out.ok ? out.value.legId! : '';
    await h.clock.run(14_999);
    expect(h.types(leg)).toEqual(['LegOffered', 'LegRinging']);
    await h.clock.run(100);
    expect(h.first('LegEnded')).toMatchObject({
      legId: leg,
      cause: 'no-answer',
      party: 'system',
      answered: false,
    });
    expect(h.first('LegEnded')!.at).toBe(1_000_000 + 15_000);
    expect(h.wire.summaries((r) => r.summary.endsWith('INVITE') || r.summary === 'CANCEL')).toEqual([
      'INVITE 203.0.113.10:5060->192.0.2.11:5060',
      '180 INVITE 192.0.2.11:5060->203.0.113.10:5060',
      'CANCEL 203.0.113.10:5060->192.0.2.11:5060',
      '487 INVITE 192.0.2.11:5060->203.0.113.10:5060',
    ]);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('reports busy from the agent when the device answers 486', async () => {
    const h = callHarness({ phones: { alice: { behaviour: 'busy' } } });
    await h.control.execute({ type: 'Originate', request: h.ring('alice') });
    await h.clock.run(100);
    expect(h.first('LegEnded')).toMatchObject({ cause: 'busy', party: 'agent', sipStatus: 486 });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('reports declined on 603 and keeps a ringing caller up for routing to decide', async () => {
    const h = callHarness({ phones: { alice: { behaviour: 'decline' } } });
    await h.dial();
    await h.clock.run(100);
    const caller = h.first('LegOffered')!.legId;
    const out = await h.control.execute({ type: 'Originate', request: h.ring('alice') });
    const agent = out.ok ? out.value.legId! : '';
    await h.control.execute({ type: 'Bridge', legIds: [caller, agent] });
    await h.clock.run(100);
    expect(h.all('LegEnded').map((e) => [e.legId, e.cause, e.sipStatus])).toEqual([[agent, 'declined', 603]]);
    expect(h.control.leg(caller)?.state).toBe('answered');
    expect(h.control.leg(caller)?.bridgedTo).toBeUndefined();
    await h.control.execute({ type: 'HangUp', legId: caller });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('forks to two contacts: the first to answer wins, the other is cancelled', async () => {
    const h = callHarness({
      phones: { desk: { answerAfterMs: 3000 }, softphone: { answerAfterMs: 1000 } },
    });
    const out = await h.control.execute({ type: 'Originate', request: h.ring('desk', 'softphone') });
    const leg = out.ok ? out.value.legId! : '';
    await h.clock.run(2000);
    expect(h.types(leg)).toEqual(['LegOffered', 'LegRinging', 'LegAnswered']);
    expect(h.first('LegAnswered')!.contact).toBe('sip:phone@192.0.2.12:5060');
    expect(h.phones.desk!.finals).toEqual([]);
    expect(h.wire.summaries((r) => r.summary === 'CANCEL')).toEqual([
      'CANCEL 203.0.113.10:5060->192.0.2.11:5060',
    ]);
    await h.clock.run(5000);
    expect(h.phones.desk!.ringing).toEqual([]);
    await h.control.execute({ type: 'HangUp', legId: leg, party: 'agent' });
    await h.clock.run(100);
    expect(h.phones.softphone!.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('hangs up a second device whose answer crossed our CANCEL', async () => {
    const h = callHarness({ phones: { desk: { answerAfterMs: 1000 }, softphone: { answerAfterMs: 1002 } } });
    const out = await h.control.execute({ type: 'Originate', request: h.ring('desk', 'softphone') });
    await h.clock.run(3000);
    expect(h.all('LegAnswered')).toHaveLength(1);
    expect(h.phones.softphone!.ended).toEqual(['bye-received']);
    await h.control.execute({ type: 'HangUp', legId: out.ok ? out.value.legId! : '' });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('fails with the best status when every branch refuses', async () => {
    const h = callHarness({ phones: { desk: { behaviour: 'busy' }, softphone: { behaviour: 'decline' } } });
    await h.control.execute({ type: 'Originate', request: h.ring('desk', 'softphone') });
    await h.clock.run(100);
    expect(h.first('LegEnded')).toMatchObject({ cause: 'declined', sipStatus: 603 });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('renders a withheld caller ID as anonymous with Privacy: id', async () => {
    const h = callHarness({ phones: { alice: { behaviour: 'busy' } } });
    const request = {
      ...h.ring('alice'),
      callerId: {
        number: '4008001234',
        withheld: true,
        assertedIdentity: 'sip:+864008001234@trunk.example.com',
      },
    };
    await h.control.execute({ type: 'Originate', request });
    await h.clock.run(100);
    const invite = h.phones.alice!.received[0]!;
    expect(invite.from.uri).toMatchObject({ user: 'anonymous', host: 'anonymous.invalid' });
    expect(invite.headers.find((f) => f.name === 'Privacy')?.value).toBe('id');
    expect(invite.headers.find((f) => f.name === 'P-Asserted-Identity')?.value).toBe(
      '<sip:+864008001234@trunk.example.com>',
    );
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
