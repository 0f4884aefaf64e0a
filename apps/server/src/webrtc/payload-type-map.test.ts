import { describe, expect, it } from 'vitest';
import { PayloadTypeMap } from './payload-type-map';

// The RTP leg behind the gateway was opened with our offer's numbers; the browser rejoined with
// Chromium's own offer (PCMU 0, telephone-event/8000 126).
const LEG = { payloadType: 0, telephoneEventPayloadType: 101 };
const CHROMIUM = { payloadType: 0, telephoneEventPayloadType: 126 };

describe('payload types between a rejoined browser and its leg', () => {
  it("gives the browser's key presses the leg's event type, and the leg's the browser's", () => {
    const map = new PayloadTypeMap(LEG, CHROMIUM);
    expect(map.identity).toBe(false);
    expect(map.towardsLeg(126)).toBe(101);
    expect(map.towardsLeg(0)).toBe(0);
    expect(map.towardsBrowser(101)).toBe(126);
    expect(map.towardsBrowser(0)).toBe(0);
  });

  it('renumbers PCMU too when a side gave it a dynamic number', () => {
    const map = new PayloadTypeMap({ payloadType: 96, telephoneEventPayloadType: 97 }, CHROMIUM);
    expect(map.towardsLeg(0)).toBe(96);
    expect(map.towardsLeg(126)).toBe(97);
    expect(map.towardsBrowser(96)).toBe(0);
    expect(map.towardsBrowser(97)).toBe(126);
  });

  it('drops events a side did not negotiate instead of sending them as something else', () => {
    const noEventsAtBrowser = new PayloadTypeMap(LEG, { payloadType: 0 });
    expect(noEventsAtBrowser.towardsBrowser(101)).toBeUndefined();
    expect(noEventsAtBrowser.towardsLeg(101)).toBeUndefined();
    const noEventsAtLeg = new PayloadTypeMap({ payloadType: 0 }, CHROMIUM);
    expect(noEventsAtLeg.towardsLeg(126)).toBeUndefined();
  });

  it('passes types neither side negotiated, unless the receiver would read them as its own', () => {
    const map = new PayloadTypeMap(LEG, CHROMIUM);
    expect(map.towardsLeg(13)).toBe(13);
    // 101 means nothing to this browser, but would be a key press to the leg.
    expect(map.towardsLeg(101)).toBeUndefined();
    expect(map.towardsBrowser(126)).toBeUndefined();
  });

  it('changes nothing while both sides use the same numbers (every call before a rejoin)', () => {
    const map = new PayloadTypeMap(LEG, { ...LEG });
    expect(map.identity).toBe(true);
    for (const type of [0, 101, 126, 13]) {
      expect(map.towardsLeg(type)).toBe(type);
      expect(map.towardsBrowser(type)).toBe(type);
    }
  });
});
