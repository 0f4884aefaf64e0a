/**
 * A tenant routing host over a real SQLite event store and a virtual clock, with a telephony port
 * and a listener that record what they are told, for contact-flow and real-time tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { sequentialIds, type DomainEvent, type TenantId } from '@switchboard/kernel';
import type { QueueConfig, RoutingEffect } from '@switchboard/routing';
import { VirtualClock } from '@switchboard/testkit';
import type { TenantRoutingSetup } from '../../src/contact-flow/routing-setup';
import { TenantRoutingHost, type RoutingEventListener } from '../../src/contact-flow/tenant-routing-host';
import type { TelephonyPort } from '../../src/contact-flow/telephony-port';
import { EventStore, eventStoreMigrations, migrate, openDatabase, type Database } from '../../src/store';

export const TENANT = 'tenant-shop' as TenantId;
export const T0 = Date.UTC(2026, 0, 5, 9);

/** One pre-sales queue needing `presales >= 5`, a 15 s ring timeout and 30 s auto-ready wrap-up. */
export const PRESALES: QueueConfig = {
  queueId: 'q-presales',
  steps: [{ expression: 'skills.presales >= 5' }],
  ringTimeoutSeconds: 15,
  wrapUp: { seconds: 30, maxExtensionSeconds: 60, autoReady: true },
};

export const fixedSetup = (): TenantRoutingSetup => ({
  queues: [{ name: 'Pre-sales', config: PRESALES }],
  profileOf: (agentId) => ({
    skills: agentId === 'agent-weak' ? { presales: 2 } : { presales: 8 },
    queues: ['q-presales'],
  }),
});

/** Records effects per port call, as the telephony layer would receive them. */
export function recordingTelephony(): TelephonyPort & { calls: RoutingEffect['type'][]; log: object[] } {
  const calls: RoutingEffect['type'][] = [];
  const log: object[] = [];
  const record = (type: RoutingEffect['type']) => (request: object) => {
    calls.push(type);
    log.push({ type, ...request });
  };
  return {
    calls,
    log,
    ringAgent: record('RingAgent'),
    stopRinging: record('StopRinging'),
    placeCallback: record('PlaceCallback'),
    sendToVoicemail: record('SendToVoicemail'),
    hangUp: record('HangUp'),
  };
}

/** Records live events (what clients would see). */
export function recordingListener(): RoutingEventListener & { live: DomainEvent[]; resets: number } {
  const listener = {
    live: [] as DomainEvent[],
    resets: 0,
    reset: () => void listener.resets++,
    fold: (_tenant: TenantId, events: readonly DomainEvent[], live: boolean) => {
      if (live) listener.live.push(...events);
    },
  };
  return listener;
}

export interface HostRig {
  readonly clock: VirtualClock;
  readonly database: Database;
  readonly store: EventStore;
  newHost(options?: { store?: EventStore }): {
    host: TenantRoutingHost;
    telephony: ReturnType<typeof recordingTelephony>;
    listener: ReturnType<typeof recordingListener>;
  };
  /** Moves the virtual clock, letting the host store each timer's events before the next. */
  advance(host: TenantRoutingHost, ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function hostRig(): Promise<HostRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-routing-'));
  const database = await openDatabase({ dataDir });
  await migrate(database, eventStoreMigrations);
  const clock = new VirtualClock(T0);
  const store = new EventStore(database, { clock });
  const ids = sequentialIds('evt');
  return {
    clock,
    database,
    store,
    newHost(options = {}) {
      const telephony = recordingTelephony();
      const listener = recordingListener();
      const host = new TenantRoutingHost({
        tenantId: TENANT,
        store: options.store ?? store,
        ids,
        clock,
        timers: clock,
        telephony,
        logger: pino({ level: 'silent' }),
        setup: async () => fixedSetup(),
        listener,
      });
      return { host, telephony, listener };
    },
    async advance(host, ms) {
      const target = clock.now() + ms;
      await host.settle();
      for (let due = host.nextDueAt(); due !== undefined && due <= target; due = host.nextDueAt()) {
        clock.advanceTo(Math.max(due, clock.now()));
        await host.settle();
      }
      clock.advanceTo(target);
      await host.settle();
    },
    async close() {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
