/**
 * The demo shop's business calendar and queue policies: the hotline is open 09:00–21:00 every day
 * in Asia/Shanghai (after hours the demo flow takes a voicemail), and both queues announce the
 * caller's place every 30 s after a 15 s comfort delay, offer "press 1 to be called back", send
 * callers waiting over 5 minutes to voicemail, and call back those who hung up after waiting 10 s
 * or more. Idempotent: a calendar or policy an admin already has is left as it is.
 */
import type { Kysely } from 'kysely';
import { WEEKDAYS, type BusinessCalendar } from '@switchboard/ivr';
import type { IdGenerator, TenantId } from '@switchboard/kernel';
import { BusinessCalendarRepository } from '../routing-config/business-calendar-repository';
import type { BusinessCalendarTables } from '../routing-config/business-calendar-tables';
import type { QueuePolicy } from '../routing-config/queue-policy';
import { QueuePolicyRepository } from '../routing-config/queue-policy-repository';
import type { QueuePolicyTables } from '../routing-config/queue-policy-tables';
import { RoutingConfigRepository } from '../routing-config/routing-config-repository';
import type { RoutingConfigTables } from '../routing-config/routing-config-tables';
import { DEMO_SHOP } from './demo-shop';

/** An opening interval, local wall time `HH:MM`, or closed all day (to try the after-hours path). */
export type DailyHours = { readonly opens: string; readonly closes: string } | 'closed';

/** The default opening interval (`--demo-hours`). */
export const DEMO_HOTLINE_HOURS: DailyHours = { opens: '09:00', closes: '21:00' };

/** The demo hotline's hours: the same interval every day, in Asia/Shanghai. */
export function demoHotlineCalendar(hours: DailyHours = DEMO_HOTLINE_HOURS): BusinessCalendar {
  const open = hours === 'closed' ? [] : [{ opens: hours.opens, closes: hours.closes }];
  return {
    timeZone: 'Asia/Shanghai',
    weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, open])),
  };
}

/** The demo queues' policy. */
export const DEMO_QUEUE_POLICY: QueuePolicy = {
  maxWaitSeconds: 300,
  overflow: 'voicemail',
  callback: { onAbandon: true, minWaitSeconds: 10, maxAttempts: 3, retrySeconds: 300 },
  announcements: { everySeconds: 30, comfortDelaySeconds: 15, offerCallback: true },
  voicemailMaxSeconds: 120,
  recordCalls: true,
};

/** Creates whatever of the demo's calendar and policies is missing (inside the seeding transaction). */
export async function seedDemoQueueExperience(
  db: Kysely<RoutingConfigTables>,
  tenantId: TenantId,
  ids: IdGenerator,
  now: string,
  hours: DailyHours = DEMO_HOTLINE_HOURS,
): Promise<void> {
  // One transaction over three tables' views, as in `seedDemoShop`.
  const calendars = new BusinessCalendarRepository(db as unknown as Kysely<BusinessCalendarTables>);
  const routing = new RoutingConfigRepository(db);
  const policies = new QueuePolicyRepository(db as unknown as Kysely<QueuePolicyTables>);
  const existing = await calendars.findByCode(tenantId, 'hotline-hours');
  let calendarId = existing?.id;
  if (calendarId === undefined) {
    const saved = await calendars.save(
      tenantId,
      {
        id: ids.next(),
        code: 'hotline-hours',
        name: '客服热线营业时间 Hotline hours',
        calendar: demoHotlineCalendar(hours),
      },
      now,
    );
    if (!saved.ok) throw new Error(saved.error.message);
    calendarId = saved.value;
    for (const e of DEMO_SHOP.entryPoints) {
      const entry = await routing.findEntryPointByNumber(e.number);
      if (entry?.tenantId === tenantId) await calendars.attachToEntryPoint(tenantId, entry.id, calendarId);
    }
  }
  const stored = await policies.list(tenantId);
  for (const q of DEMO_SHOP.queues) {
    const queue = await routing.findQueueByCode(tenantId, q.code);
    if (queue !== undefined && !stored.has(queue.id))
      await policies.save(tenantId, queue.id, DEMO_QUEUE_POLICY);
  }
}
