import { describe, expect, it } from 'vitest';
import {
  B2BUA,
  callHarness,
  dialAndBridge,
  NOTHING_LEFT,
  TRUNK_HOST,
  type Harness,
} from './test-peers/call-harness';

const US = `${B2BUA.host}:${B2BUA.port}`;
const TRUNK = `${TRUNK_HOST}:5060`;

/** Responses the B2BUA sent to BYEs, as `status BYE to peer`. */
const ourByeAnswers = (h: Harness): string[] =>
  h.wire
    .summaries((r) => r.from === US && / BYE$/.test(r.summary) && /^\d/.test(r.summary))
    .map((line) => line.replace(` ${US}->`, ' to '));

async function answeredCall(h: Harness): Promise<string> {
  await h.dial();
  await h.clock.run(100);
  return h.first('LegAnswered')!.legId;
}

describe('BYEs that cross on the wire (RFC 5407 §3.1.1)', () => {
  it("answers 200 to the caller's BYE that crosses ours and keeps our hang-up as the leg's end", async () => {
    const h = callHarness();
    const caller = await answeredCall(h);
    // Both ends hang up in the same instant: neither BYE has arrived when the other is sent.
    h.trunk.hangUp();
    await h.control.execute({ type: 'HangUp', legId: caller });
    await h.clock.run(100);
    expect(h.wire.summaries((r) => r.summary.endsWith('BYE'))).toEqual([
      `BYE ${TRUNK}->${US}`,
      `BYE ${US}->${TRUNK}`,
      `200 BYE ${US}->${TRUNK}`,
      // The trunk runs the same core, so it answers our crossing BYE 200 too; a 481 from other UAs
      // is just as normal (RFC 5407 §3.1.1) and is what the sipp test sees.
      `200 BYE ${TRUNK}->${US}`,
    ]);
    expect(h.all('LegEnded').map((e) => [e.legId, e.cause, e.party])).toEqual([[caller, 'normal', 'system']]);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('a bridged call both parties leave at once ends with the party heard first, and no 481 from us', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await dialAndBridge(h);
    h.phones.alice!.hangUp();
    h.trunk.hangUp();
    await h.clock.run(100);
    // Alice's BYE came first: both legs end as hung up by the agent; the caller's BYE crossed the
    // BYE that hang-up sent to the caller.
    expect(h.all('LegEnded').map((e) => [e.legId, e.party])).toEqual([
      [agent, 'agent'],
      [caller, 'agent'],
    ]);
    expect(ourByeAnswers(h)).toEqual([`200 BYE to 192.0.2.11:5060`, `200 BYE to ${TRUNK}`]);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('and the other way round: the caller heard first is the party of both legs', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { caller, agent } = await dialAndBridge(h);
    h.trunk.hangUp();
    h.phones.alice!.hangUp();
    await h.clock.run(100);
    expect(h.all('LegEnded').map((e) => [e.legId, e.party])).toEqual([
      [caller, 'caller'],
      [agent, 'caller'],
    ]);
    expect(ourByeAnswers(h)).toEqual([`200 BYE to ${TRUNK}`, `200 BYE to 192.0.2.11:5060`]);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('answers 200 while our BYE is still being retransmitted unanswered', async () => {
    // Our BYEs never reach the trunk (lost on the way), so it still thinks the call is up.
    const h = callHarness({
      wire: { drop: (m, from) => from.host === B2BUA.host && 'method' in m && m.method === 'BYE' },
    });
    const caller = await answeredCall(h);
    await h.control.execute({ type: 'HangUp', legId: caller });
    await h.clock.run(10_000);
    h.trunk.hangUp();
    await h.clock.run(100);
    expect(ourByeAnswers(h)).toEqual([`200 BYE to ${TRUNK}`]);
    expect(h.all('LegEnded')).toHaveLength(1);
  });

  it('answers 481 to a BYE that comes after our BYE timed out: the dialog is over for good', async () => {
    const h = callHarness({
      wire: { drop: (m, from) => from.host === B2BUA.host && 'method' in m && m.method === 'BYE' },
    });
    const caller = await answeredCall(h);
    await h.control.execute({ type: 'HangUp', legId: caller });
    // Timer F (64·T1 = 32 s) ends our BYE transaction with a 408 of its own.
    await h.clock.run(40_000);
    h.trunk.hangUp();
    await h.clock.run(100);
    expect(ourByeAnswers(h)).toEqual([`481 BYE to ${TRUNK}`]);
    expect(h.all('LegEnded').map((e) => e.party)).toEqual(['system']);
  });
});
