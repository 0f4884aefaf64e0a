import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom, type TenantId } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { MediaConnections, MediaService, type MediaLeg } from '../media';
import { PCMU } from '../media/media-test-harness';
import { CallActionCode } from './call-action-codes';
import type { LiveCall } from './live-calls';
import { mediaRecordingSwitch } from './media-recording-switch';

const dir = mkdtempSync(join(tmpdir(), 'sb-pause-'));
let media: MediaService | undefined;
afterEach(() => {
  media?.closeAll();
  media = undefined;
});

const callOf = (leg: MediaLeg): LiveCall => ({
  tenantId: 't' as TenantId,
  contactId: 'c-1',
  callId: 'call-1',
  callerLegId: leg.id,
  callerNumber: '+8613800138000',
  arrivedAt: 0,
  agentId: 'a-1',
  agentLegId: 'agent-leg',
  routingContactId: 'c-1',
});

describe('pausing a call recording through the media connections', () => {
  it('writes silence while paused, counted as paused time, and refuses a call nothing records', async () => {
    const minPort = 38000 + 2 * Math.floor(Math.random() * 1000);
    // Real sockets, virtual media clock: the recorder's 20 ms ticks move only when the test says.
    const clock = new VirtualClock(1_000_000);
    const tick = (ms: number) => {
      for (let t = 0; t < ms; t += 20) clock.advance(20);
    };
    media = new MediaService({
      ports: { bindAddress: '127.0.0.1', minPort, maxPort: minPort + 9 },
      runtime: { clock, timers: clock, random: seededRandom(7) },
    });
    const connections = new MediaConnections({ media });
    const open = async (id: string) => {
      const leg = await media!.openLeg({ id, codec: PCMU });
      if (!leg.ok) throw new Error(leg.error.message);
      return leg.value;
    };
    const caller = await open('caller-leg');
    const agent = await open('agent-leg');
    const alone = await open('alone-leg');
    const connected = await connections.connect(caller, agent, join(dir, 'c-1.wav'));
    expect(connected.ok).toBe(true);
    const switchOf = mediaRecordingSwitch(
      { pauseRecording: (legId, paused) => connections.pauseRecording(legId, paused) },
      () => true,
    );
    const call = callOf(caller);
    expect(switchOf.state(call)).toEqual({ paused: false });
    expect(switchOf.setPaused(call, true).ok).toBe(true);
    expect(switchOf.state(call)).toEqual({ paused: true });
    // Silence is written on each tick while paused, keeping the file on the call's timeline.
    tick(200);
    expect(switchOf.setPaused(call, false).ok).toBe(true);
    expect(switchOf.state(call)).toEqual({ paused: false });
    tick(100);
    const summary = await connections.disconnect(caller.id);
    expect(summary?.pausedMs).toBe(200);
    expect(summary?.durationMs).toBe(300);

    const refused = switchOf.setPaused(callOf(alone), true);
    expect(refused.ok ? undefined : refused.error.code).toBe(CallActionCode.NOT_RECORDED);
    rmSync(dir, { recursive: true, force: true });
  });
});
