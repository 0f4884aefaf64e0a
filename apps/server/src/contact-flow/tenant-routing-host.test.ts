import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, rejection, type DomainEvent } from '@switchboard/kernel';
import type { RoutingCommand } from '@switchboard/routing';
import { hostRig, TENANT, T0, type HostRig } from '../../test/support/routing-host-harness';
import type { EventStore } from '../store';
import type { Causation } from './routing-journal';

const cause = (id: string): Causation => ({ correlationId: `req-${id}`, causationId: `cmd-${id}` });
const logIn = (agentId: string, ready = false): RoutingCommand => ({
  type: 'LogInAgent',
  agentId,
  channels: [{ channel: 'voice', capacity: 1 }],
  skills: { presales: 8 },
  queues: ['q-presales'],
  ready,
});
const enqueue = (contactId: string): RoutingCommand => ({
  type: 'EnqueueContact',
  contactId,
  queueId: 'q-presales',
});

let rig: HostRig;
beforeEach(async () => {
  rig = await hostRig();
});
afterEach(() => rig.close());

async function stored(): Promise<DomainEvent[]> {
  return rig.store.readAll({ limit: 10_000 });
}

describe('the tenant routing host', () => {
  it('configures queues from the setup once and stores the configuration as a queue event', async () => {
    const { host } = rig.newHost();
    await host.start();
    const events = await stored();
    expect(events.map((e) => [e.type, e.metadata.streamId])).toEqual([
      ['QueueConfigured', 'queue-q-presales'],
    ]);
    // A restart with the same configuration adds nothing.
    const again = rig.newHost().host;
    await again.start();
    expect(await stored()).toHaveLength(1);
  });

  it('logs in, offers a queued contact, answers, ends, and makes the agent ready after timed wrap-up', async () => {
    const { host, telephony } = rig.newHost();
    await host.start();
    expect((await host.execute(logIn('a1'), cause('1'))).ok).toBe(true);
    expect((await host.execute({ type: 'SetAgentReady', agentId: 'a1' }, cause('2'))).ok).toBe(true);
    const queued = await host.execute(enqueue('c1'), { correlationId: 'call-c1', causationId: 'cmd-3' });
    expect(queued.ok && queued.value.events.map((e) => e.type)).toEqual(['ContactQueued', 'ContactOffered']);
    expect(telephony.log).toEqual([
      {
        type: 'RingAgent',
        tenantId: TENANT,
        contactId: 'c1',
        agentId: 'a1',
        channel: 'voice',
        until: T0 + 15_000,
      },
    ]);
    await rig.advance(host, 5_000);
    expect(
      (await host.execute({ type: 'AnswerContact', contactId: 'c1', agentId: 'a1' }, cause('4'))).ok,
    ).toBe(true);
    await rig.advance(host, 60_000);
    expect((await host.execute({ type: 'EndContact', contactId: 'c1' }, cause('5'))).ok).toBe(true);
    const status = () => host.query((e) => e.agentStatus('a1')).then((r) => r.ok && r.value);
    expect(await status()).toBe('wrap-up');
    await rig.advance(host, 29_000);
    expect(await status()).toBe('wrap-up');
    await rig.advance(host, 1_000);
    expect(await status()).toBe('ready');
    const types = (await stored()).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['ContactEnded', 'AgentWrapUpEnded']);
  });

  it('stores every event with the envelope: stream per agent and contact, tenant, call correlation, causation', async () => {
    const { host } = rig.newHost();
    await host.start();
    await host.execute(logIn('a1', true), cause('1'));
    await host.execute(enqueue('c1'), { correlationId: 'call-c1', causationId: 'cmd-2' });
    const events = await stored();
    const offered = events.find((e) => e.type === 'ContactOffered')!;
    expect(offered.metadata).toMatchObject({
      streamId: 'contact-c1',
      tenantId: TENANT,
      correlationId: 'call-c1',
      causationId: 'cmd-2',
      occurredAt: new Date(T0).toISOString(),
    });
    const loggedIn = events.find((e) => e.type === 'AgentLoggedIn')!;
    expect(loggedIn.metadata).toMatchObject({
      streamId: 'agent-a1',
      correlationId: 'req-1',
      causationId: 'cmd-1',
    });
    expect(new Set(events.map((e) => e.metadata.eventId)).size).toBe(events.length);
  });

  it('RONA: a ring timeout stops ringing, makes the agent not ready and keeps the contact waiting', async () => {
    const { host, telephony } = rig.newHost();
    await host.start();
    await host.execute(logIn('a1', true), cause('1'));
    await host.execute(enqueue('c1'), { correlationId: 'call-c1', causationId: 'cmd-2' });
    await rig.advance(host, 15_000);
    expect(telephony.calls).toEqual(['RingAgent', 'StopRinging']);
    const state = await host.query((e) => [e.agentState('a1')?.channels[0]?.reason, e.contact('c1')?.status]);
    expect(state.ok && state.value).toEqual(['RONA', 'waiting']);
    const timedOut = (await stored()).find((e) => e.type === 'ContactOfferTimedOut')!;
    // The timer's events still belong to the call.
    expect(timedOut.metadata.correlationId).toBe('call-c1');
  });

  it('a rejected command stores nothing and dispatches nothing', async () => {
    const { host, telephony } = rig.newHost();
    await host.start();
    const before = (await stored()).length;
    const refused = await host.execute({ type: 'SetAgentReady', agentId: 'ghost' }, cause('1'));
    expect(!refused.ok && refused.error.code).toBe('ROUTING.AGENT_LOGGED_OUT');
    expect(await stored()).toHaveLength(before);
    expect(telephony.calls).toEqual([]);
  });

  it('after a restart, replaying the log gives the same state, and pending timers still fire', async () => {
    const first = rig.newHost();
    await first.host.start();
    await first.host.execute(logIn('a1', true), cause('1'));
    await first.host.execute(logIn('a2'), cause('2'));
    await first.host.execute(enqueue('c1'), { correlationId: 'call-c1', causationId: 'cmd-3' });
    await first.host.execute(enqueue('c2'), { correlationId: 'call-c2', causationId: 'cmd-4' });
    const snapshot = (h: typeof first.host) =>
      h.query((e) => ({
        a1: e.agentState('a1'),
        a2: e.agentState('a2'),
        c1: e.contact('c1'),
        waiting: e.waitingContacts('q-presales').map((c) => c.contactId),
        due: e.nextDueAt(),
      }));
    const before = await snapshot(first.host);
    await first.host.stop();

    const second = rig.newHost();
    await second.host.start();
    expect(await snapshot(second.host)).toEqual(before);
    expect(second.listener.resets).toBe(1);
    await rig.advance(second.host, 15_000);
    expect(second.telephony.calls).toEqual(['StopRinging']);
    const c1 = await second.host.query((e) => e.contact('c1')?.status);
    expect(c1.ok && c1.value).toBe('waiting');
  });

  it('a failed append fails the command, dispatches nothing, and leaves the engine as the log says', async () => {
    let failNext = false;
    const flaky = new Proxy(rig.store, {
      get(target, property, receiver) {
        if (property === 'appendBatch' && failNext) {
          failNext = false;
          return async () => err(rejection('STORE.WRITE_FAILED', 'disk full'));
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as EventStore;
    const { host, telephony, listener } = rig.newHost({ store: flaky });
    await host.start();
    await host.execute(logIn('a1', true), cause('1'));
    failNext = true;
    const failed = await host.execute(enqueue('c1'), { correlationId: 'call-c1', causationId: 'cmd-2' });
    expect(!failed.ok && failed.error.code).toBe('STORE.WRITE_FAILED');
    expect(telephony.calls).toEqual([]);
    expect(listener.live.map((e) => e.type)).not.toContain('ContactQueued');
    const state = await host.query((e) => [e.contact('c1'), e.agentStatus('a1'), e.checkInvariants()]);
    expect(state.ok && state.value).toEqual([undefined, 'ready', []]);
    // The same contact can be queued again: the engine forgot the refused facts.
    const retried = await host.execute(enqueue('c1'), { correlationId: 'call-c1', causationId: 'cmd-3' });
    expect(retried.ok).toBe(true);
    expect(telephony.calls).toEqual(['RingAgent']);
  });

  it('the self-check finds nothing to repair in a healthy engine', async () => {
    const { host } = rig.newHost();
    await host.start();
    await host.execute(logIn('a1', true), cause('1'));
    await host.execute(enqueue('c1'), cause('2'));
    expect(await host.checkInvariants()).toBe(0);
  });
});
