/** Row shapes of business calendars; see `business-calendar-migrations.ts`. */
export interface BusinessCalendarsTable {
  id: string;
  tenant_id: string;
  /** Stable machine name, unique per tenant (`hotline-hours`). */
  code: string;
  name: string;
  /** IANA zone, e.g. `Asia/Shanghai`. */
  time_zone: string;
  created_at: string;
}

/** One opening interval of a weekday (`mon`…`sun`), local `HH:MM`. */
export interface BusinessCalendarHoursTable {
  calendar_id: string;
  weekday: string;
  opens: string;
  closes: string;
}

/** A holiday or a special working day (调休). */
export interface BusinessCalendarDatesTable {
  calendar_id: string;
  date: string;
  kind: 'holiday' | 'working';
  name: string | null;
  /** `HH:MM-HH:MM` intervals separated by commas; null for the default of the kind. */
  hours: string | null;
}

/** The calendar tables and the entry-point column that names a calendar. */
export interface BusinessCalendarTables {
  business_calendars: BusinessCalendarsTable;
  business_calendar_hours: BusinessCalendarHoursTable;
  business_calendar_dates: BusinessCalendarDatesTable;
  entry_points: { id: string; tenant_id: string; calendar_id: string | null };
}
