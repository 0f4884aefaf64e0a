/**
 * A caller who knows the demo hotline's menu presses 1 the moment the call is answered (sipp plays
 * sip-tester's `dtmf_2833_1.pcap` right after its ACK, within milliseconds of our 200 OK), before
 * the welcome prompt has been synthesized, let alone played. The key is typed ahead: the welcome
 * (a barge-in prompt) is cut at once, the main menu reads the 1 without playing its prompt, and the
 * caller lands in the order-status branch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHotline, keyPress } from './hotline-caller';
import { startLiveCenter, type LiveCenter } from './live-center';

describe('a key pressed right after the answer', () => {
  let center: LiveCenter;

  beforeAll(async () => {
    center = await startLiveCenter();
  }, 60_000);

  afterAll(async () => {
    expect(await center.stop()).toBe(0);
  });

  it('reaches the order-status branch on 1 sent with the ACK', async () => {
    const caller = await callHotline(center, 'caller-presses-key-at-once.xml', {
      files: { 'key.pcap': keyPress('1') },
    });
    try {
      const contactId = await center.contactOf(caller.callId);
      const choice = await center.waitForContactEvent(contactId, 'IvrMenuChoiceMade');
      expect(choice.data).toMatchObject({ nodeId: 'mainMenu', digit: '1', target: 'askOrder' });
      await center.waitForContactEvent(contactId, 'IvrNodeEntered', (d) => d.nodeId === 'askOrder');
      // One key, one choice: no invalid input, no timeout, and the menu never had to ask.
      const ivr = center
        .contactTimeline(contactId)
        .filter((t) => t.startsWith('IvrMenu') || t.startsWith('IvrInput'));
      expect(ivr).toEqual(['IvrMenuChoiceMade']);

      await caller.cue();
      const result = await caller.result;
      expect(result.successful, result.output).toBe(1);
      const ended = await center.waitForContactEvent(contactId, 'IvrEnded');
      expect(ended.data).toMatchObject({ reason: 'caller-hung-up', nodeId: 'askOrder' });
    } finally {
      await caller.stop();
    }
  }, 90_000);
});
