/**
 * Key presses from the captures sip-tester ships (RFC 4733 telephone-events, `dtmf_2833_*.pcap`)
 * played by a sipp caller into the demo hotline on the live server: the IVR hears the digit,
 * takes the menu branch and queues the caller; an invalid key takes the retry path first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHotline, keyCapture, keyPress } from './hotline-caller';
import { startLiveCenter, type LiveCenter } from './live-center';
import { continueStream, readRtpCapture, writeRtpCapture } from './rtp-pcap';

describe('RFC 4733 key presses from sipp into the demo hotline', () => {
  let center: LiveCenter;

  beforeAll(async () => {
    center = await startLiveCenter();
  }, 60_000);

  afterAll(async () => {
    expect(await center.stop()).toBe(0);
  });

  /** Starts a cued caller that plays `files` when told; see the scenario's comment. */
  const dial = (scenario: string, files: Record<string, Uint8Array>) =>
    callHotline(center, scenario, { files });

  /** The welcome has played once the flow reaches the main menu (a play node ends with its prompt). */
  const menuReached = (contactId: string) =>
    center.waitForContactEvent(contactId, 'IvrNodeEntered', (d) => d.nodeId === 'mainMenu');

  it('hears 2 from dtmf_2833_2.pcap and queues the caller for pre-sales', async () => {
    const caller = await dial('caller-presses-key.xml', { 'key.pcap': keyPress('2') });
    try {
      const contactId = await center.contactOf(caller.callId);
      await menuReached(contactId);
      await caller.cue();
      const choice = await center.waitForContactEvent(contactId, 'IvrMenuChoiceMade');
      expect(choice.data).toMatchObject({ nodeId: 'mainMenu', digit: '2', target: 'preSales' });
      const routed = await center.waitForContactEvent(contactId, 'IvrEnded');
      expect(routed.data).toMatchObject({ reason: 'routed', detail: 'pre-sales' });
      const queued = await center.waitForContactEvent(contactId, 'ContactQueued');
      expect(queued.data.queueId).toBe(await center.queueId('pre-sales'));

      await caller.cue();
      const result = await caller.result;
      expect(result.successful, result.output).toBe(1);
      const ended = await center.waitForContactEvent(contactId, 'CallEnded');
      expect(ended.data).toMatchObject({ party: 'caller', stage: 'queued' });
      await center.waitForContactEvent(contactId, 'ContactAbandoned');
      // Exactly one digit: the telephone-event's repeated end packets are one key press.
      expect(center.contactTimeline(contactId).filter((t) => t.startsWith('IvrMenu'))).toEqual([
        'IvrMenuChoiceMade',
      ]);
    } finally {
      await caller.stop();
    }
  }, 90_000);

  it('takes the invalid-input path on 9, then queues for after-sales on 3', async () => {
    // The captures come from one session where 3 was pressed before 9: renumber 3 to follow 9.
    const nine = readRtpCapture(keyCapture('9'));
    const three = continueStream(readRtpCapture(keyCapture('3')), nine);
    const caller = await dial('caller-presses-two-keys.xml', {
      'key-1.pcap': keyPress('9'),
      'key-2.pcap': writeRtpCapture(three),
    });
    try {
      const contactId = await center.contactOf(caller.callId);
      await menuReached(contactId);
      await caller.cue();
      const invalid = await center.waitForContactEvent(contactId, 'IvrInputInvalid');
      expect(invalid.data).toMatchObject({ nodeId: 'mainMenu', input: '9', attempt: 1 });
      await caller.cue();
      const choice = await center.waitForContactEvent(contactId, 'IvrMenuChoiceMade');
      expect(choice.data).toMatchObject({ nodeId: 'mainMenu', digit: '3', target: 'afterSales' });
      const queued = await center.waitForContactEvent(contactId, 'ContactQueued');
      expect(queued.data.queueId).toBe(await center.queueId('after-sales'));

      await caller.cue();
      const result = await caller.result;
      expect(result.successful, result.output).toBe(1);
      await center.waitForContactEvent(contactId, 'ContactAbandoned');
    } finally {
      await caller.stop();
    }
  }, 90_000);
});
