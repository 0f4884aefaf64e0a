import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { sequentialIds, type DomainEvent, type TenantId } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { CallJournal } from './call-journal';
import { QueueAnnouncer } from './queue-announcer';
import type { InboundCall } from './voice-calls';
import type { PlaybackEnd, QueueStanding } from './voice-ports';

const settings = {
  announceEverySeconds: 30,
  comfortDelaySeconds: 15,
  offerCallback: false,
  voicemailMaxSeconds: 60,
  recordCalls: true,
};

/** An announcer on a virtual clock whose prompts play 2 s; `standing` answers every round. */
function announcerRig(
  standing: () => QueueStanding | undefined = () => ({ position: 2, expectedWaitSeconds: 100 }),
) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 23, 2, 0));
  const log: string[] = [];
  const stored: DomainEvent[] = [];
  const journal = new CallJournal(
    { append: async (_s, events) => (stored.push(...events), { ok: true, value: undefined }) as never },
    sequentialIds('e'),
    clock,
    pino({ level: 'silent' }),
  );
  const at = () => `${(clock.now() - Date.UTC(2026, 10, 23, 2, 0)) / 1000}s`;
  const announcer = new QueueAnnouncer({
    timers: clock,
    clock,
    journal,
    logger: pino({ level: 'silent' }),
    standings: { standingOf: async () => standing() },
    prompts: { audioFor: async (_t, p) => ({ path: p.text ?? '', durationMs: 2000 }) },
    music: { start: () => log.push(`${at()} music on`), stop: () => log.push(`${at()} music off`) },
    player: {
      play(_leg, audio, onEnd: (end: PlaybackEnd) => void) {
        log.push(`${at()} say ${audio.path}`);
        const handle = clock.set(audio.durationMs, () => onEnd('completed'));
        return { stop: () => clock.clear(handle) };
      },
    },
  });
  const call = {
    contactId: 'c1',
    tenantId: 't1' as TenantId,
    legId: 'leg-1',
    callId: 'call-1',
    callerNumber: '13800138000',
    arrivedAt: clock.now(),
    stage: 'queued',
  } as InboundCall;
  /** Moves time, letting the announcer's awaits finish between timers. */
  const advance = async (ms: number) => {
    for (let i = 0; i < ms; i += 500) {
      clock.advance(500);
      for (let k = 0; k < 5; k++) await Promise.resolve();
    }
  };
  return { clock, log, stored, announcer, call, advance };
}

describe('queue announcements on a virtual clock', () => {
  it('plays music at once, the first announcement after the comfort delay and then every period', async () => {
    const r = announcerRig();
    r.announcer.start(r.call, settings, 'zh');
    await r.advance(80_000);
    expect(r.log).toEqual([
      '0s music on',
      '15s music off',
      '15s say 您的来电对我们很重要，座席正忙，请您耐心等候。 您前面还有1位客户， 预计等待2分钟。',
      '17s music on',
      '45s music off',
      '45s say 您前面还有1位客户， 预计等待2分钟。',
      '47s music on',
      '75s music off',
      '75s say 您前面还有1位客户， 预计等待2分钟。',
      '77s music on',
    ]);
    expect(r.stored.map((e) => e.data)).toMatchObject([
      { contactId: 'c1', position: 2, expectedWaitMinutes: 2, language: 'zh' },
      { position: 2 },
      { position: 2 },
    ]);
  });

  it('skips rounds while an agent rings and resumes them when the caller is back in line', async () => {
    const r = announcerRig();
    r.announcer.start(r.call, settings, 'en');
    r.call.stage = 'ringing';
    await r.advance(50_000);
    expect(r.log).toEqual(['0s music on']);
    r.call.stage = 'queued';
    await r.advance(30_000);
    expect(r.log.slice(1)).toEqual([
      '75s music off',
      '75s say Thank you for calling. All our agents are busy; please stay on the line. You are number 2 in the queue; expected wait about 2 minutes.',
      '77s music on',
    ]);
  });

  it('says nothing for a contact routing no longer has waiting', async () => {
    const r = announcerRig(() => undefined);
    r.announcer.start(r.call, settings, 'zh');
    await r.advance(60_000);
    expect(r.log).toEqual(['0s music on']);
  });

  it('announces the place without a wait when there is no estimate (nobody qualified staffed)', async () => {
    const r = announcerRig(() => ({ position: 3 }));
    r.announcer.start(r.call, settings, 'zh');
    await r.advance(50_000);
    expect(r.log.filter((l) => l.includes(' say '))).toEqual([
      '15s say 您的来电对我们很重要，座席正忙，请您耐心等候。 您前面还有2位客户， 请稍候。',
      '45s say 您前面还有2位客户， 请稍候。',
    ]);
    expect(r.stored.map((e) => e.data)).toMatchObject([
      { contactId: 'c1', position: 3, expectedWaitMinutes: null },
      { position: 3, expectedWaitMinutes: null },
    ]);
  });

  it('stops everything at once when the caller leaves, even mid-announcement', async () => {
    const r = announcerRig();
    r.announcer.start(r.call, settings, 'zh');
    await r.advance(15_500);
    r.announcer.stop(r.call.legId);
    await r.advance(120_000);
    expect(r.log).toEqual([
      '0s music on',
      '15s music off',
      expect.stringMatching(/^15s say /),
      '15.5s music off',
    ]);
    expect(r.announcer.size).toBe(0);
    expect(r.clock.pendingCount).toBe(0);
  });

  it('ends by itself for a call that was answered or hung up without being told', async () => {
    const r = announcerRig();
    r.announcer.start(r.call, settings, 'zh');
    r.call.stage = 'done';
    await r.advance(16_000);
    expect(r.announcer.size).toBe(0);
    expect(r.clock.pendingCount).toBe(0);
  });
});
