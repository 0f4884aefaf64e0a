import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../store';
import { buildCallTimeline } from './call-timeline';

const T = Date.UTC(2026, 10, 23, 2, 0);
let position = 0;

/** A stored fact of `stream` at `ms` after T. */
function fact(stream: string, type: string, ms: number, data: object = {}): StoredEvent {
  position++;
  return {
    type,
    data,
    metadata: {
      eventId: `e-${position}`,
      streamId: `contact-${stream}`,
      tenantId: 't',
      occurredAt: new Date(T + ms).toISOString(),
      correlationId: 'call-1',
      causationId: 'x',
    },
    position,
    version: position,
    recordedAt: new Date(T + ms).toISOString(),
  };
}

const arrived = (id = 'c1') =>
  fact(id, 'CallArrived', 0, { callId: 'call-1', dialed: '4008001234', callerNumber: '+8613800138000' });

describe('the call timeline', () => {
  it('is undefined for a contact that is no call', () => {
    expect(
      buildCallTimeline('c1', [fact('c1', 'ContactQueued', 0, { queueId: 'q' })], { manager: true }),
    ).toBe(undefined);
  });

  it('calls an abandoned call abandoned, with its wait until the hang-up, and a live call live', () => {
    const events = [
      arrived(),
      fact('c1', 'ContactQueued', 2000, { queueId: 'q' }),
      fact('c1', 'ContactAbandoned', 9000, { queueId: 'q' }),
    ];
    const live = buildCallTimeline('c1', events, { manager: true })!.summary;
    expect(live).toMatchObject({ outcome: 'abandoned', waitMs: 7000, endedAt: null, queueIds: ['q'] });
    const ivrOnly = buildCallTimeline('c1', [arrived()], { manager: true })!.summary;
    expect(ivrOnly.outcome).toBe('live');
    const served = buildCallTimeline(
      'c1',
      [arrived(), fact('c1', 'CallEnded', 5000, { party: 'caller', cause: 'normal', stage: 'ivr' })],
      { manager: true },
    )!.summary;
    expect(served).toMatchObject({ outcome: 'self-service', hangUp: { party: 'caller', stage: 'ivr' } });
  });

  it("gives the lowest MOS heard on the call, either way on any leg, and none before a leg's was measured", () => {
    const quality = (inbound: number, outbound: number | null) => ({
      packetsReceived: 500,
      packetsLost: 0,
      inbound: { lossPct: 0, jitterMs: 1, mos: inbound },
      outbound: outbound === null ? null : { lossPct: 0, jitterMs: 1, mos: outbound },
      roundTripMs: null,
    });
    const events = [
      arrived(),
      fact('c1', 'LegMediaQuality', 9000, { party: 'agent', quality: quality(4.4, 3.61) }),
      fact('c1', 'LegMediaQuality', 9500, { party: 'caller', quality: quality(4.05, null) }),
    ];
    expect(buildCallTimeline('c1', events, { manager: true })!.summary.mos).toBe(3.61);
    expect(buildCallTimeline('c1', events.slice(0, 1), { manager: false })!.summary.mos).toBeNull();
  });

  it('follows a transfer into its queue contact and counts each agent who talked', () => {
    const events = [
      arrived(),
      fact('c1', 'ContactAnswered', 3000, { agentId: 'a1', queueId: 'q1' }),
      fact('c1.t', 'ContactQueued', 8000, { queueId: 'q2' }),
      fact('c1.t', 'ContactAnswered', 9000, { agentId: 'a2', queueId: 'q2' }),
      fact('c1', 'CallTransferCompleted', 9000, { agentId: 'a1', toAgentId: 'a2', kind: 'blind' }),
      fact('c1.t', 'ContactDispositionRecorded', 20_000, { agentId: 'a2', code: 'solved', notes: '' }),
    ];
    const { summary, entries } = buildCallTimeline('c1', events, { manager: true })!;
    expect(summary).toMatchObject({
      outcome: 'answered',
      agentIds: ['a1', 'a2'],
      queueIds: ['q2'],
      disposition: { code: 'solved' },
    });
    expect(entries.map((e) => e.kind)).toEqual([
      'call.arrived',
      'call.answered',
      'queue.entered',
      'call.answered',
      'transfer.completed',
      'contact.disposition',
    ]);
  });

  it('shows agents masked numbers, no unannounced supervisor, and no detail of facts it does not know', () => {
    const events = [
      arrived(),
      fact('c1', 'SupervisorJoinedCall', 1000, {
        agentId: 'a1',
        supervisorId: 's',
        mode: 'listen',
        announced: false,
      }),
      fact('c1', 'SupervisorMonitorModeChanged', 2000, {
        agentId: 'a1',
        supervisorId: 's',
        mode: 'barge',
        announced: true,
      }),
      fact('c1', 'SomethingNew', 3000, { secret: 'x' }),
    ];
    const agent = buildCallTimeline('c1', events, { manager: false })!;
    expect(agent.summary.caller).toEqual({ masked: '138****8000', e164: null });
    expect(agent.entries.map((e) => [e.kind, e.detail])).toEqual([
      ['call.arrived', { dialed: '4008001234' }],
      ['supervisor.mode_changed', { supervisorId: 's', mode: 'barge' }],
      ['SomethingNew', {}],
    ]);
    const manager = buildCallTimeline('c1', events, { manager: true })!;
    expect(manager.entries.map((e) => e.kind)).toContain('supervisor.joined');
    expect(manager.entries.at(-1)?.detail).toEqual({ secret: 'x' });
  });
});
