import { describe, expect, it } from 'vitest';
import type { OpenEndpointRequest } from './media-port';
import { callHarness, NOTHING_LEFT, type Harness } from './test-peers/call-harness';

/** Records what call control asks the media layer to open. */
function openRequests(h: Harness): OpenEndpointRequest[] {
  const seen: OpenEndpointRequest[] = [];
  const open = h.media.open.bind(h.media);
  h.media.open = (request) => {
    seen.push(request);
    return open(request);
  };
  return seen;
}

describe('Originate to browser softphones', () => {
  it('asks the media layer for a WebRTC endpoint when every target is a browser', async () => {
    const h = callHarness({ phones: { browser: { answerAfterMs: 500 } } });
    const opened = openRequests(h);
    const request = h.ring('browser');
    const out = await h.control.execute({
      type: 'Originate',
      request: { ...request, targets: request.targets.map((t) => ({ ...t, webrtc: true })) },
    });
    const leg = out.ok ? out.value.legId! : '';
    await h.clock.run(1000);
    expect(opened).toEqual([{ legId: leg, webrtc: true }]);
    expect(h.types(leg)).toEqual(['LegOffered', 'LegRinging', 'LegAnswered']);
    await h.control.execute({ type: 'HangUp', legId: leg });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('keeps plain RTP for a fork that also rings a desk phone', async () => {
    const h = callHarness({ phones: { desk: { answerAfterMs: 500 }, browser: { behaviour: 'ring' } } });
    const opened = openRequests(h);
    const request = h.ring('desk', 'browser');
    await h.control.execute({
      type: 'Originate',
      request: { ...request, targets: [request.targets[0]!, { ...request.targets[1]!, webrtc: true }] },
    });
    await h.clock.run(1000);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.webrtc).toBeUndefined();
    expect(h.all('LegAnswered')).toHaveLength(1);
    await h.control.execute({ type: 'HangUp', legId: h.first('LegAnswered')!.legId });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
