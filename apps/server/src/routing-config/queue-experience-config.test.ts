import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '@switchboard/ivr';
import { sequentialIds, type TenantId } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { testHasher } from '../../test/support/test-hasher';
import { tableRoutingSetup } from '../contact-flow/routing-setup';
import { seedDemoShop } from '../demo/seed-demo-shop';
import { demoHotlineCalendar, DEMO_QUEUE_POLICY } from '../demo/seed-demo-queue-experience';
import { serverMigrations } from '../migrations';
import { migrate, openDatabase, type Database } from '../store';
import { BusinessCalendarRepository } from './business-calendar-repository';
import type { BusinessCalendarTables } from './business-calendar-tables';
import { DEFAULT_QUEUE_POLICY_SETTINGS, routingPolicyOf, type QueuePolicy } from './queue-policy';
import { QueuePolicyRepository } from './queue-policy-repository';
import type { QueuePolicyTables } from './queue-policy-tables';
import { RoutingConfigRepository } from './routing-config-repository';
import type { RoutingConfigTables } from './routing-config-tables';

let dataDir: string;
let database: Database;
let tenantId: TenantId;
const clock = new VirtualClock(Date.UTC(2026, 10, 23, 2, 0));

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sb-queue-experience-'));
  database = await openDatabase({ dataDir });
  await migrate(database, serverMigrations);
  ({ tenantId } = await seedDemoShop({ database, hasher: testHasher, ids: sequentialIds('id'), clock }));
});
afterAll(async () => {
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const calendars = () => new BusinessCalendarRepository(database.db as Kysely<BusinessCalendarTables>);
const policies = () => new QueuePolicyRepository(database.db as Kysely<QueuePolicyTables>);
const routing = () => new RoutingConfigRepository(database.db as Kysely<RoutingConfigTables>);

describe('business calendars in the tables', () => {
  it('gives the demo hotline its 09:00–21:00 Shanghai calendar', async () => {
    const hotline = await routing().findEntryPointByNumber('4008001234');
    expect(await calendars().findForEntryPoint(hotline!.id)).toEqual({
      ...demoHotlineCalendar(),
      holidays: [],
      workingDays: [],
    });
  });

  it('stores holidays and 调休 days with their hours, and replaces them on save', async () => {
    const calendar: BusinessCalendar = {
      timeZone: 'America/New_York',
      weekly: {
        mon: [
          { opens: '09:00', closes: '12:00' },
          { opens: '13:00', closes: '17:00' },
        ],
      },
      holidays: [
        { date: '2026-12-25', name: 'Christmas' },
        { date: '2026-12-24', hours: [{ opens: '09:00', closes: '13:00' }] },
      ],
      workingDays: [{ date: '2026-12-26', name: 'Make-up day' }],
    };
    const saved = await calendars().save(
      tenantId,
      { id: 'cal-1', code: 'ny', name: 'New York', calendar },
      'now',
    );
    expect(saved).toEqual({ ok: true, value: 'cal-1' });
    expect((await calendars().findByCode(tenantId, 'ny'))?.calendar).toEqual({
      ...calendar,
      holidays: [calendar.holidays![1], calendar.holidays![0]],
    });
    await calendars().save(
      tenantId,
      { id: 'ignored', code: 'ny', name: 'New York', calendar: { ...calendar, holidays: [] } },
      'now',
    );
    expect(await calendars().findByCode(tenantId, 'ny')).toMatchObject({
      id: 'cal-1',
      calendar: { holidays: [] },
    });
  });

  it('refuses a calendar that does not check, naming every problem', async () => {
    const refused = await calendars().save(
      tenantId,
      {
        id: 'cal-2',
        code: 'bad',
        name: 'Bad',
        calendar: { timeZone: 'Nowhere/City', weekly: { mon: [{ opens: '18:00', closes: '09:00' }] } },
      },
      'now',
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('ROUTING_CONFIG.INVALID_CALENDAR');
      expect(refused.error.details?.issues).toHaveLength(2);
    }
    expect(await calendars().findByCode(tenantId, 'bad')).toBeUndefined();
  });
});

describe('queue policies', () => {
  it('turn overflow and callbacks into routing queue configuration', () => {
    expect(routingPolicyOf(DEMO_QUEUE_POLICY)).toEqual({
      maxWaitSeconds: 300,
      maxWaitAction: { kind: 'voicemail' },
      callback: { onAbandon: true, minWaitSeconds: 10, maxAttempts: 3, retrySeconds: 300 },
    });
    const toQueue: QueuePolicy = {
      ...DEFAULT_QUEUE_POLICY_SETTINGS,
      maxWaitSeconds: 60,
      overflow: { queueId: 'q2' },
    };
    expect(routingPolicyOf(toQueue)).toMatchObject({
      maxWaitSeconds: 60,
      maxWaitAction: { kind: 'queue', queueId: 'q2' },
    });
    expect(routingPolicyOf({ ...toQueue, overflow: 'callback' }).maxWaitAction).toEqual({ kind: 'callback' });
    // No limit: routing keeps its own default of waiting for ever.
    expect(routingPolicyOf(DEFAULT_QUEUE_POLICY_SETTINGS)).not.toHaveProperty('maxWaitSeconds');
  });

  it('round-trip through the table, with the default for a queue without a row', async () => {
    const preSales = await routing().findQueueByCode(tenantId, 'pre-sales');
    expect(await policies().find(tenantId, preSales!.id)).toEqual(DEMO_QUEUE_POLICY);
    const changed: QueuePolicy = {
      ...DEMO_QUEUE_POLICY,
      overflow: 'hang-up',
      announcements: { everySeconds: 45, comfortDelaySeconds: 5, offerCallback: false },
    };
    await policies().save(tenantId, preSales!.id, changed);
    expect(await policies().find(tenantId, preSales!.id)).toEqual(changed);
    expect(await policies().find(tenantId, 'no-such-queue')).toEqual(DEFAULT_QUEUE_POLICY_SETTINGS);
    await policies().save(tenantId, preSales!.id, DEMO_QUEUE_POLICY);
  });

  it('reach routing through the table setup', async () => {
    const setup = await tableRoutingSetup(routing(), undefined, policies())(tenantId);
    const preSales = await routing().findQueueByCode(tenantId, 'pre-sales');
    const config = setup.queues.find((q) => q.config.queueId === preSales!.id)!.config;
    expect(config).toMatchObject({
      maxWaitSeconds: 300,
      maxWaitAction: { kind: 'voicemail' },
      callback: { onAbandon: true },
    });
  });

  it('are seeded once: a second seeding keeps what an admin changed', async () => {
    const preSales = await routing().findQueueByCode(tenantId, 'pre-sales');
    const changed: QueuePolicy = { ...DEMO_QUEUE_POLICY, maxWaitSeconds: 120 };
    await policies().save(tenantId, preSales!.id, changed);
    await seedDemoShop({ database, hasher: testHasher, ids: sequentialIds('again'), clock });
    expect((await policies().find(tenantId, preSales!.id)).maxWaitSeconds).toBe(120);
  });
});
