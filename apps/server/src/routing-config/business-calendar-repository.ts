import type { Kysely } from 'kysely';
import {
  WEEKDAYS,
  checkCalendar,
  type BusinessCalendar,
  type CalendarDate,
  type OpeningHours,
  type Weekday,
} from '@switchboard/ivr';
import { reject, ok, type Rejection, type Result, type TenantId } from '@switchboard/kernel';
import type { BusinessCalendarDatesTable, BusinessCalendarTables } from './business-calendar-tables';

/** A stored calendar with its identity. */
export interface StoredCalendar {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly calendar: BusinessCalendar;
}

/** Reads and writes tenants' business calendars and which entry point follows which. */
export class BusinessCalendarRepository {
  constructor(private readonly db: Kysely<BusinessCalendarTables>) {}

  /** The calendar an entry point names, or `undefined` when it names none. */
  async findForEntryPoint(entryPointId: string): Promise<BusinessCalendar | undefined> {
    const row = await this.db
      .selectFrom('entry_points')
      .select('calendar_id')
      .where('id', '=', entryPointId)
      .executeTakeFirst();
    if (row?.calendar_id == null) return undefined;
    return (await this.load(row.calendar_id))?.calendar;
  }

  async findByCode(tenantId: TenantId, code: string): Promise<StoredCalendar | undefined> {
    const row = await this.db
      .selectFrom('business_calendars')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('code', '=', code)
      .executeTakeFirst();
    return row === undefined ? undefined : this.load(row.id);
  }

  /**
   * Creates the calendar, or replaces the hours and dates of the tenant's calendar with that code.
   * Refuses (`ROUTING_CONFIG.INVALID_CALENDAR`, every problem listed) a calendar that does not check.
   */
  async save(
    tenantId: TenantId,
    entry: {
      readonly id: string;
      readonly code: string;
      readonly name: string;
      readonly calendar: BusinessCalendar;
    },
    createdAt: string,
  ): Promise<Result<string, Rejection>> {
    const issues = checkCalendar(entry.calendar);
    if (issues.length > 0)
      return reject('ROUTING_CONFIG.INVALID_CALENDAR', `calendar '${entry.code}' is invalid`, { issues });
    const existing = await this.findByCode(tenantId, entry.code);
    const id = existing?.id ?? entry.id;
    const { calendar } = entry;
    if (existing === undefined)
      await this.db
        .insertInto('business_calendars')
        .values({
          id,
          tenant_id: tenantId,
          code: entry.code,
          name: entry.name,
          time_zone: calendar.timeZone,
          created_at: createdAt,
        })
        .execute();
    else
      await this.db
        .updateTable('business_calendars')
        .set({ name: entry.name, time_zone: calendar.timeZone })
        .where('id', '=', id)
        .execute();
    await this.db.deleteFrom('business_calendar_hours').where('calendar_id', '=', id).execute();
    await this.db.deleteFrom('business_calendar_dates').where('calendar_id', '=', id).execute();
    const hours = WEEKDAYS.flatMap((weekday) =>
      (calendar.weekly[weekday] ?? []).map((h) => ({ calendar_id: id, weekday, ...h })),
    );
    if (hours.length > 0) await this.db.insertInto('business_calendar_hours').values(hours).execute();
    const dates = [
      ...(calendar.holidays ?? []).map((d) => dateRow(id, 'holiday', d)),
      ...(calendar.workingDays ?? []).map((d) => dateRow(id, 'working', d)),
    ];
    if (dates.length > 0) await this.db.insertInto('business_calendar_dates').values(dates).execute();
    return ok(id);
  }

  /** Makes an entry point of the tenant follow a calendar (`null`: around the clock). */
  async attachToEntryPoint(
    tenantId: TenantId,
    entryPointId: string,
    calendarId: string | null,
  ): Promise<void> {
    await this.db
      .updateTable('entry_points')
      .set({ calendar_id: calendarId })
      .where('id', '=', entryPointId)
      .where('tenant_id', '=', tenantId)
      .execute();
  }

  private async load(id: string): Promise<StoredCalendar | undefined> {
    const row = await this.db
      .selectFrom('business_calendars')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const [hours, dates] = await Promise.all([
      this.db
        .selectFrom('business_calendar_hours')
        .selectAll()
        .where('calendar_id', '=', id)
        .orderBy('opens')
        .execute(),
      this.db
        .selectFrom('business_calendar_dates')
        .selectAll()
        .where('calendar_id', '=', id)
        .orderBy('date')
        .execute(),
    ]);
    const weekly: Partial<Record<Weekday, OpeningHours[]>> = {};
    for (const h of hours) {
      const day = h.weekday as Weekday;
      (weekly[day] ??= []).push({ opens: h.opens, closes: h.closes });
    }
    const datesOf = (kind: BusinessCalendarDatesTable['kind']) =>
      dates.filter((d) => d.kind === kind).map(toCalendarDate);
    return {
      id: row.id,
      code: row.code,
      name: row.name,
      calendar: {
        timeZone: row.time_zone,
        weekly,
        holidays: datesOf('holiday'),
        workingDays: datesOf('working'),
      },
    };
  }
}

function dateRow(calendarId: string, kind: BusinessCalendarDatesTable['kind'], d: CalendarDate) {
  return {
    calendar_id: calendarId,
    date: d.date,
    kind,
    name: d.name ?? null,
    hours: d.hours === undefined ? null : d.hours.map((h) => `${h.opens}-${h.closes}`).join(','),
  };
}

function toCalendarDate(row: BusinessCalendarDatesTable): CalendarDate {
  const hours =
    row.hours === null
      ? undefined
      : row.hours.split(',').map((span) => {
          const [opens = '', closes = ''] = span.split('-');
          return { opens, closes };
        });
  return {
    date: row.date,
    ...(row.name === null ? {} : { name: row.name }),
    ...(hours === undefined ? {} : { hours }),
  };
}
