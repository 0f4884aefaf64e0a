import type { Kysely, Migration } from 'kysely';

/**
 * Business calendars (营业时间) of the routing configuration, for SQLite and PostgreSQL alike:
 * weekly hours, dated exceptions (holidays and 调休 working days), and which calendar each entry
 * point follows. Times are local wall time of the calendar's IANA zone (`HH:MM`), dates
 * `YYYY-MM-DD`, as `@switchboard/ivr`'s `BusinessCalendar` reads them.
 */
export const businessCalendarMigrations: Record<string, Migration> = {
  '2026-11-24-010-business-calendars': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('business_calendars')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('business_calendars_tenant_code_unique', ['tenant_id', 'code'])
        .execute();
      await db.schema
        .createTable('business_calendar_hours')
        .addColumn('calendar_id', 'text', (c) => c.notNull().references('business_calendars.id'))
        .addColumn('weekday', 'text', (c) => c.notNull())
        .addColumn('opens', 'text', (c) => c.notNull())
        .addColumn('closes', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('business_calendar_hours_pk', ['calendar_id', 'weekday', 'opens'])
        .execute();
      await db.schema
        .createTable('business_calendar_dates')
        .addColumn('calendar_id', 'text', (c) => c.notNull().references('business_calendars.id'))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        // `09:00-12:00,13:00-18:00`; null: a holiday closed all day, a working day on weekday hours.
        .addColumn('hours', 'text')
        .addPrimaryKeyConstraint('business_calendar_dates_pk', ['calendar_id', 'date'])
        .execute();
      await db.schema
        .alterTable('entry_points')
        .addColumn('calendar_id', 'text', (c) => c.references('business_calendars.id'))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('entry_points').dropColumn('calendar_id').execute();
      for (const table of ['business_calendar_dates', 'business_calendar_hours', 'business_calendars'])
        await db.schema.dropTable(table).ifExists().execute();
    },
  },
};
