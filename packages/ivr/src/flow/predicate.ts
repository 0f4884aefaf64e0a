import { FieldReader, isJsonObject } from './field-reader';
import { FLOW_LIMITS, type Scalar } from './flow-types';
import { readReference, TEMPLATE_REFERENCE, type ValueScope } from './template';

/** Comparison operators of a `value` predicate. */
export const PREDICATE_OPS = ['==', '!=', '<', '<=', '>', '>=', 'in', 'exists'] as const;
export type PredicateOp = (typeof PREDICATE_OPS)[number];

/**
 * A condition on the call, written as JSON so that a flow editor can build it from forms:
 * - `{ calendar: 'open' | 'closed' | 'holiday' }`: the tenant calendar as the server saw it at start;
 * - `{ timeOfDay: { from: '09:00', to: '18:00' } }`: local time from `from` (inclusive) to `to`
 *   (exclusive), wrapping past midnight when `to` is earlier;
 * - `{ dayOfWeek: [1, 2, 3, 4, 5] }`: local weekday, 0 = Sunday;
 * - `{ value: 'caller.vipLevel', op: '>=', operand: 1 }`: a caller attribute (`caller.province`,
 *   `caller.city`), a variable (`vars.orderStatus`) or a contact attribute (`attributes.x`);
 * - `{ all: [...] }`, `{ any: [...] }`, `{ not: {...} }`.
 */
export type Predicate =
  | { readonly calendar: 'open' | 'closed' | 'holiday' }
  | { readonly timeOfDay: { readonly from: string; readonly to: string } }
  | { readonly dayOfWeek: readonly number[] }
  | { readonly value: string; readonly op: PredicateOp; readonly operand?: Scalar | readonly Scalar[] }
  | { readonly all: readonly Predicate[] }
  | { readonly any: readonly Predicate[] }
  | { readonly not: Predicate };

/** The calendar as the server computed it for the tenant when the call arrived. */
export interface CalendarState {
  /** Inside business hours (and not a holiday closure). */
  readonly open: boolean;
  /** A holiday in the tenant calendar (the centre may still be open). */
  readonly holiday?: boolean;
}

/** Everything a predicate can look at. */
export interface PredicateInput {
  readonly scope: ValueScope;
  readonly calendar: CalendarState;
  /** Local time of the call: epoch milliseconds shifted by the tenant's UTC offset. */
  readonly localMs: number;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const KINDS = ['calendar', 'timeOfDay', 'dayOfWeek', 'value', 'all', 'any', 'not'];

/** Checks the predicate at `path`; remembers the variables it reads. */
export function checkPredicate(value: unknown, r: FieldReader, key: string, depth = 1): void {
  if (!isJsonObject(value)) return r.error(key, 'must be a condition object');
  const kind = KINDS.find((k) => Object.prototype.hasOwnProperty.call(value, k));
  if (kind === undefined) return r.error(key, `needs one of ${KINDS.join(', ')}`);
  if (depth > FLOW_LIMITS.maxPredicateDepth) {
    return r.error(key, `nested deeper than ${FLOW_LIMITS.maxPredicateDepth} levels`);
  }
  const p = new FieldReader(r.at(key), value, r.issues, r.nodeId);
  if (kind === 'value') return checkValuePredicate(p);
  p.allow([kind]);
  if (kind === 'calendar') p.oneOf('calendar', ['open', 'closed', 'holiday']);
  else if (kind === 'timeOfDay') {
    const t = p.object('timeOfDay');
    t?.allow(['from', 'to']);
    t?.string('from', { pattern: HHMM, shape: "a time 'HH:MM'" });
    t?.string('to', { pattern: HHMM, shape: "a time 'HH:MM'" });
  } else if (kind === 'dayOfWeek') {
    const days = p.get('dayOfWeek');
    const ok =
      Array.isArray(days) && days.length > 0 && days.every((d) => Number.isInteger(d) && d >= 0 && d <= 6);
    if (!ok) p.error('dayOfWeek', 'must be a non-empty list of weekdays 0 (Sunday) to 6');
  } else if (kind === 'not') checkPredicate(p.get('not'), p, 'not', depth + 1);
  else checkList(p, kind, depth);
}

function checkList(p: FieldReader, kind: string, depth: number): void {
  const items = p.get(kind);
  if (!Array.isArray(items) || items.length === 0 || items.length > FLOW_LIMITS.maxPredicateItems) {
    return p.error(kind, `must be a list of 1 to ${FLOW_LIMITS.maxPredicateItems} conditions`);
  }
  items.forEach((item, i) => checkPredicate(item, p, `${kind}.${i}`, depth + 1));
}

function checkValuePredicate(p: FieldReader): void {
  p.allow(['value', 'op', 'operand']);
  const ref = p.string('value', {
    max: 80,
    pattern: TEMPLATE_REFERENCE,
    shape: 'vars.x, caller.x or attributes.x',
  });
  if (ref?.startsWith('vars.')) p.issues.readVars.push({ name: ref.slice(5), path: p.at('value') });
  const op = p.oneOf('op', PREDICATE_OPS);
  const operand = p.get('operand');
  const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'boolean' || Number.isFinite(x);
  if (op === 'exists') {
    if (operand !== undefined) p.error('operand', "not used with 'exists'");
  } else if (op === 'in') {
    const ok = Array.isArray(operand) && operand.length <= FLOW_LIMITS.maxEntries && operand.every(scalar);
    if (!ok) p.error('operand', `must be a list of at most ${FLOW_LIMITS.maxEntries} strings or numbers`);
  } else if (op !== undefined && !scalar(operand)) {
    p.error('operand', 'must be a string, number or boolean');
  }
}

const DAY_MS = 86_400_000;

/** Minutes since local midnight and weekday (0 = Sunday) of a local timestamp. */
export function localClock(localMs: number): { minute: number; weekday: number } {
  const day = Math.floor(localMs / DAY_MS);
  const minute = Math.floor((localMs - day * DAY_MS) / 60_000);
  // 1970-01-01 was a Thursday (4).
  return { minute, weekday: (((day + 4) % 7) + 7) % 7 };
}

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Evaluates a checked predicate; never throws, missing values make comparisons false. */
export function evaluatePredicate(p: Predicate, input: PredicateInput): boolean {
  if ('calendar' in p) {
    if (p.calendar === 'holiday') return input.calendar.holiday === true;
    return input.calendar.open === (p.calendar === 'open');
  }
  if ('timeOfDay' in p) {
    const m = localClock(input.localMs).minute;
    const from = minutes(p.timeOfDay.from);
    const to = minutes(p.timeOfDay.to);
    return from <= to ? m >= from && m < to : m >= from || m < to;
  }
  if ('dayOfWeek' in p) return p.dayOfWeek.includes(localClock(input.localMs).weekday);
  if ('all' in p) return p.all.every((x) => evaluatePredicate(x, input));
  if ('any' in p) return p.any.some((x) => evaluatePredicate(x, input));
  if ('not' in p) return !evaluatePredicate(p.not, input);
  const m = TEMPLATE_REFERENCE.exec(p.value);
  const actual = m ? readReference(input.scope, m[1] as keyof ValueScope, m[2]!) : undefined;
  return compare(actual, p.op, p.operand);
}

/**
 * Equality compares string forms, so `'2'` (typed on the keypad) equals `2` (a VIP level); order
 * comparisons are numeric and false when either side is not a number.
 */
function compare(
  actual: Scalar | undefined,
  op: PredicateOp,
  operand: Scalar | readonly Scalar[] | undefined,
): boolean {
  if (op === 'exists') return actual !== undefined && actual !== '';
  if (actual === undefined) return op === '!=';
  if (op === 'in') return Array.isArray(operand) && operand.some((o) => String(o) === String(actual));
  if (op === '==') return String(actual) === String(operand);
  if (op === '!=') return String(actual) !== String(operand);
  const a = typeof actual === 'string' && actual.trim() === '' ? NaN : Number(actual);
  const b = Number(operand);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

const scalarSchema = { type: ['string', 'number', 'boolean'] };

/** JSON Schema of a predicate (recursive through `#/$defs/predicate`). */
export const PREDICATE_SCHEMA = {
  oneOf: [
    {
      type: 'object',
      required: ['calendar'],
      additionalProperties: false,
      properties: { calendar: { enum: ['open', 'closed', 'holiday'] } },
    },
    {
      type: 'object',
      required: ['timeOfDay'],
      additionalProperties: false,
      properties: {
        timeOfDay: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            from: { type: 'string', pattern: HHMM.source },
            to: { type: 'string', pattern: HHMM.source },
          },
        },
      },
    },
    {
      type: 'object',
      required: ['dayOfWeek'],
      additionalProperties: false,
      properties: {
        dayOfWeek: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0, maximum: 6 } },
      },
    },
    {
      type: 'object',
      required: ['value', 'op'],
      additionalProperties: false,
      properties: {
        value: { type: 'string', pattern: TEMPLATE_REFERENCE.source },
        op: { enum: PREDICATE_OPS },
        operand: {
          oneOf: [scalarSchema, { type: 'array', items: scalarSchema, maxItems: FLOW_LIMITS.maxEntries }],
        },
      },
    },
    ...(['all', 'any'] as const).map((k) => ({
      type: 'object',
      required: [k],
      additionalProperties: false,
      properties: {
        [k]: {
          type: 'array',
          minItems: 1,
          maxItems: FLOW_LIMITS.maxPredicateItems,
          items: { $ref: '#/$defs/predicate' },
        },
      },
    })),
    {
      type: 'object',
      required: ['not'],
      additionalProperties: false,
      properties: { not: { $ref: '#/$defs/predicate' } },
    },
  ],
} as const;
