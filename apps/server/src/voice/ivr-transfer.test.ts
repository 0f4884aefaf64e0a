/**
 * The IVR's "transfer to an external number" through the composed voice context: the number is
 * dialed through the tenant's outbound route and bridged to the caller; without a route the
 * transfer is refused on the timeline and the caller released.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '@switchboard/kernel';
import { FLOW_SCHEMA_VERSION, type Flow } from '@switchboard/ivr';
import { IDLE, voiceRig, type VoiceRig } from './voice-test-rig';

let rig: VoiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const types = (events: readonly DomainEvent[]) => events.map((e) => e.type);

/** The demo hotline's flow id, so the seeded entry point runs it: one prompt, then the transfer. */
const transferFlow: Flow = {
  schemaVersion: FLOW_SCHEMA_VERSION,
  id: 'demo-shop',
  version: 1,
  name: 'transfer to the branch office',
  start: 'hello',
  nodes: {
    hello: { type: 'play', prompt: { tts: '正在为您转接。', language: 'zh' }, next: 'branch' },
    branch: { type: 'transfer', number: '0755-8888 6666' },
  },
};

describe('transfer to an external number', () => {
  it('dials the number through the outbound route and bridges it to the caller', async () => {
    rig = await voiceRig({ flows: [transferFlow], customer: { answerAfterMs: 1000 } });
    await rig.dial();
    await rig.advance(3000);
    const { contactId } = rig.liveCalls()[0]!;
    expect(rig.dialed).toEqual(['075588886666']);
    expect(rig.customer.methods()).toContain('INVITE');
    await rig.advance(2000);
    const events = types(await rig.contactEvents(contactId));
    expect(events).toEqual(expect.arrayContaining(['IvrEnded', 'CallTransferredOut']));
    expect(events).not.toContain('CallTransferRefused');
    // The far end hangs up: the caller is released with it and nothing stays behind.
    rig.customer.hangUp();
    await rig.advance(1000);
    const ended = (await rig.contactEvents(contactId)).find((e) => e.type === 'CallEnded');
    expect(ended?.data).toMatchObject({ stage: 'transferred' });
    expect(rig.voice.activity()).toEqual(IDLE);
    expect(rig.control.activity().legs).toBe(0);
  });

  it('releases the caller when the number is busy, leaving nothing behind', async () => {
    rig = await voiceRig({ flows: [transferFlow], customer: { behaviour: 'busy' } });
    await rig.dial();
    await rig.advance(500);
    const { contactId } = rig.liveCalls()[0]!;
    await rig.advance(5000);
    const events = await rig.contactEvents(contactId);
    expect(types(events)).toEqual(expect.arrayContaining(['CallTransferredOut', 'CallEnded']));
    expect(events.find((e) => e.type === 'CallEnded')?.data).toMatchObject({ stage: 'transferred' });
    expect(rig.voice.activity()).toEqual(IDLE);
    expect(rig.control.activity().legs).toBe(0);
  });
});
