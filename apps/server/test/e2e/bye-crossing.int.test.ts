/**
 * Both ends hang up at once on the live server: a supervisor releases a sipp caller who waits in
 * the demo hotline's menu (our BYE), and the caller's own BYE leaves before it has answered ours,
 * so the two cross (RFC 5407 §3.1.1). The caller's BYE is answered 200 OK (sipp fails the call on
 * a 481), its 481 to our BYE is taken as normal (nothing is logged as a fault), and the call
 * record names the release, which came first, as the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHotline } from './hotline-caller';
import { startLiveCenter, type LiveCenter } from './live-center';

/** Server log lines at warn level or above (pino levels 40, 50, 60). */
const faults = (center: LiveCenter): string[] =>
  center.server
    .stdout()
    .split('\n')
    .filter((line) => /"level":[456]0\b/.test(line));

describe('BYEs that cross on the wire', () => {
  let center: LiveCenter;

  beforeAll(async () => {
    center = await startLiveCenter();
  }, 60_000);

  afterAll(async () => {
    expect(await center.stop()).toBe(0);
  });

  it("answers the caller's BYE 200 while ours is out, and records the release as the end", async () => {
    const supervisor = await center.logIn('supervisor', 'demo-supervisor');
    const caller = await callHotline(center, 'caller-bye-crosses-ours.xml');
    try {
      const contactId = await center.contactOf(caller.callId);
      await center.waitForContactEvent(contactId, 'IvrNodeEntered', (d) => d.nodeId === 'mainMenu');
      const released = await supervisor.post(`/api/v1/calls/${contactId}/force-release`);
      expect(released.status, JSON.stringify(released.body)).toBeLessThan(300);

      const result = await caller.result;
      expect(result.successful, result.output).toBe(1);
      const ended = await center.waitForContactEvent(contactId, 'CallEnded');
      expect(ended.data).toMatchObject({ party: 'system', cause: 'normal', stage: 'ivr' });
      expect(center.contactTimeline(contactId).filter((t) => t === 'CallEnded')).toHaveLength(1);
      // Neither the crossing nor their 481 to our BYE is a fault.
      expect(faults(center)).toEqual([]);
    } finally {
      await caller.stop();
    }
  }, 90_000);
});
