import type { ArrivalProfile } from './arrival-stream';
import type { DistributionSpec } from './distributions';
import type {
  ContactType,
  ScenarioAttributes,
  ScenarioAttributeValue,
  ScenarioOverflowAction,
  ScenarioQueue,
  ScenarioRouting,
} from './scenario';
import { checkNumber, fieldPath, ObjectReader, typeName, type ScenarioProblem } from './scenario-fields';

/** Longest duration a distribution may have as its mean: a day. */
const MAX_MEAN_SECONDS = 86_400;
/** Expected arrivals per interval above this are taken for a unit mistake. */
const MAX_CALLS_PER_INTERVAL = 1_000_000;

/** What queue parsing needs to know about the rest of the scenario. */
export interface QueueContext {
  readonly intervalCount: number;
  readonly serviceLevelSeconds: number;
}

const QUEUE_KEYS = [
  'id',
  'arrivals',
  'handleTime',
  'wrapUpTime',
  'patience',
  'serviceLevelSeconds',
  'contactTypes',
  'routing',
];

/** Reads one queue at `path`; undefined when it has problems (recorded in `problems`). */
export function parseQueue(
  value: unknown,
  path: string,
  context: QueueContext,
  problems: ScenarioProblem[],
): ScenarioQueue | undefined {
  const q = ObjectReader.of(value, path, problems, QUEUE_KEYS);
  if (q === undefined) return undefined;
  const before = problems.length;
  const id = q.string('id');
  const arrivals = parseArrivals(q.value['arrivals'], q.field('arrivals'), context.intervalCount, problems);
  const handleTime = parseDistribution(q.value['handleTime'], q.field('handleTime'), problems, true);
  const wrapUpTime = q.has('wrapUpTime')
    ? parseDistribution(q.value['wrapUpTime'], q.field('wrapUpTime'), problems, false)
    : ({ kind: 'fixed', value: 0 } as const);
  const patience = parsePatience(q.value['patience'], q.field('patience'), problems);
  const serviceLevelSeconds = q.number('serviceLevelSeconds', { above: 0 }, context.serviceLevelSeconds);
  const contactTypes = parseContactTypes(q, problems);
  const routing = parseRouting(q.value['routing'], q.field('routing'), problems);
  if (problems.length > before) return undefined;
  return {
    id: id as string,
    arrivals: arrivals as ArrivalProfile,
    handleTime: handleTime as DistributionSpec,
    wrapUpTime: wrapUpTime as DistributionSpec,
    patience: patience as DistributionSpec | null,
    serviceLevelSeconds: serviceLevelSeconds as number,
    contactTypes: contactTypes as ContactType[],
    routing: routing as ScenarioRouting,
  };
}

function parseArrivals(
  value: unknown,
  path: string,
  intervalCount: number,
  problems: ScenarioProblem[],
): ArrivalProfile | undefined {
  const a = ObjectReader.of(value, path, problems, ['kind', 'callsPerInterval', 'counts']);
  if (a === undefined) return undefined;
  const kind = a.string('kind');
  if (kind === 'poisson') {
    const raw = a.value['callsPerInterval'];
    const list =
      typeof raw === 'number' ? new Array<unknown>(intervalCount).fill(raw) : a.array('callsPerInterval');
    const calls = perInterval(list, a.field('callsPerInterval'), intervalCount, false, problems);
    return calls && { kind: 'poisson', callsPerInterval: calls };
  }
  if (kind === 'empirical') {
    const counts = perInterval(a.array('counts'), a.field('counts'), intervalCount, true, problems);
    return counts && { kind: 'empirical', counts };
  }
  if (kind !== undefined) a.add('kind', `must be 'poisson' or 'empirical', got '${kind}'`);
  return undefined;
}

function perInterval(
  list: readonly unknown[] | undefined,
  path: string,
  intervalCount: number,
  integer: boolean,
  problems: ScenarioProblem[],
): number[] | undefined {
  if (list === undefined) return undefined;
  if (list.length !== intervalCount) {
    problems.push({
      field: path,
      message: `must have one value per interval (${intervalCount}), got ${list.length}`,
    });
    return undefined;
  }
  const rule = { min: 0, max: MAX_CALLS_PER_INTERVAL, integer };
  const values = list.map((v, i) => checkNumber(v, fieldPath(path, i), rule, problems));
  return values.every((v) => v !== undefined) ? (values as number[]) : undefined;
}

/**
 * A duration distribution. Handle times must have a positive mean (AHT = 0 is absurd); wrap-up may
 * be a fixed zero.
 */
export function parseDistribution(
  value: unknown,
  path: string,
  problems: ScenarioProblem[],
  positive: boolean,
): DistributionSpec | undefined {
  const d = ObjectReader.of(value, path, problems, ['kind', 'value', 'mean', 'sd']);
  if (d === undefined) return undefined;
  const meanRule = positive ? { above: 0, max: MAX_MEAN_SECONDS } : { min: 0, max: MAX_MEAN_SECONDS };
  const kind = d.string('kind');
  switch (kind) {
    case 'fixed': {
      const v = d.number('value', meanRule);
      return v === undefined ? undefined : { kind, value: v };
    }
    case 'exponential': {
      const mean = d.number('mean', { above: 0, max: MAX_MEAN_SECONDS });
      return mean === undefined ? undefined : { kind, mean };
    }
    case 'lognormal': {
      const mean = d.number('mean', { above: 0, max: MAX_MEAN_SECONDS });
      const sd = d.number('sd', { above: 0, max: 10 * MAX_MEAN_SECONDS });
      return mean === undefined || sd === undefined ? undefined : { kind, mean, sd };
    }
    case undefined:
      return undefined;
    default:
      d.add('kind', `must be 'fixed', 'exponential' or 'lognormal', got '${kind}'`);
      return undefined;
  }
}

/** Patience: absent, `null` or `"none"` for callers who never hang up, else a distribution. */
function parsePatience(
  value: unknown,
  path: string,
  problems: ScenarioProblem[],
): DistributionSpec | null | undefined {
  if (value === undefined || value === null || value === 'none') return null;
  return parseDistribution(value, path, problems, true);
}

function parseContactTypes(q: ObjectReader, problems: ScenarioProblem[]): ContactType[] | undefined {
  const list = q.array('contactTypes', [{ share: 1 }]);
  if (list === undefined) return undefined;
  const path = q.field('contactTypes');
  if (list.length === 0) {
    problems.push({ field: path, message: 'must list at least one contact type' });
    return undefined;
  }
  const types = list.map((v, i) => {
    const t = ObjectReader.of(v, fieldPath(path, i), problems, ['share', 'attributes', 'priority']);
    if (t === undefined) return undefined;
    const share = t.number('share', { min: 0, max: 1 });
    const priority = t.number('priority', { integer: true, min: -1_000_000, max: 1_000_000 }, 0);
    const attributes = parseAttributes(t.value['attributes'], t.field('attributes'), problems);
    return share === undefined || priority === undefined || attributes === undefined
      ? undefined
      : { share, priority, attributes };
  });
  if (types.some((t) => t === undefined)) return undefined;
  const total = (types as ContactType[]).reduce((s, t) => s + t.share, 0);
  if (Math.abs(total - 1) > 1e-9) {
    problems.push({ field: path, message: `shares must add up to 1, got ${total}` });
    return undefined;
  }
  return types as ContactType[];
}

/** Attributes for contacts or agents: strings, numbers, booleans or lists of them. */
export function parseAttributes(
  value: unknown,
  path: string,
  problems: ScenarioProblem[],
): ScenarioAttributes | undefined {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ field: path, message: `must be an object, got ${typeName(value)}` });
    return undefined;
  }
  const scalar = (v: unknown): boolean => ['string', 'number', 'boolean'].includes(typeof v);
  const out: Record<string, ScenarioAttributeValue> = {};
  let ok = true;
  for (const [key, v] of Object.entries(value)) {
    if (scalar(v) || (Array.isArray(v) && v.every(scalar))) out[key] = v as ScenarioAttributeValue;
    else {
      problems.push({
        field: fieldPath(path, key),
        message: `must be a string, number, boolean or a list of them`,
      });
      ok = false;
    }
  }
  return ok ? out : undefined;
}

const ROUTING_KEYS = [
  'steps',
  'strategy',
  'maxWaitSeconds',
  'maxWaitAction',
  'maxLength',
  'maxLengthAction',
  'weight',
];

function parseRouting(
  value: unknown,
  path: string,
  problems: ScenarioProblem[],
): ScenarioRouting | undefined {
  if (value === undefined) return { steps: [{ expression: '*' }], strategy: { kind: 'longest-idle' } };
  const r = ObjectReader.of(value, path, problems, ROUTING_KEYS);
  if (r === undefined) return undefined;
  const steps = parseSteps(r, problems);
  const s = r.object('strategy', ['kind', 'skill', 'windowMinutes']);
  const strategy = s === undefined ? { kind: 'longest-idle' } : { ...s.value, kind: s.string('kind') };
  const routing: Record<string, unknown> = { steps, strategy };
  if (r.has('maxWaitSeconds')) routing['maxWaitSeconds'] = r.number('maxWaitSeconds', { above: 0 });
  if (r.has('maxLength')) routing['maxLength'] = r.number('maxLength', { integer: true, min: 0 });
  if (r.has('weight')) routing['weight'] = r.number('weight', { integer: true });
  for (const key of ['maxWaitAction', 'maxLengthAction'])
    if (r.has(key)) routing[key] = parseOverflowAction(r.value[key], r.field(key), problems);
  return routing as unknown as ScenarioRouting;
}

function parseSteps(r: ObjectReader, problems: ScenarioProblem[]): ScenarioRouting['steps'] {
  const list = r.array('steps') ?? [];
  if (list.length === 0 && r.has('steps')) r.add('steps', 'must list at least one routing step');
  return list.map((v, i) => {
    const path = fieldPath(r.field('steps'), i);
    const step = ObjectReader.of(v, path, problems, ['expression', 'timeoutSeconds']);
    const expression = step?.string('expression') ?? '';
    const last = i === list.length - 1;
    if (step?.has('timeoutSeconds') !== true) {
      if (!last)
        problems.push({
          field: fieldPath(path, 'timeoutSeconds'),
          message: 'is required on every step but the last',
        });
      return { expression };
    }
    return { expression, timeoutSeconds: step.number('timeoutSeconds', { above: 0 }) as number };
  });
}

function parseOverflowAction(
  value: unknown,
  path: string,
  problems: ScenarioProblem[],
): ScenarioOverflowAction | undefined {
  const a = ObjectReader.of(value, path, problems, ['kind', 'queueId']);
  const kind = a?.string('kind');
  if (kind === 'queue') return { kind, queueId: a?.string('queueId') ?? '' };
  if (kind === 'voicemail' || kind === 'hang-up') return { kind };
  if (kind !== undefined) a?.add('kind', `must be 'queue', 'voicemail' or 'hang-up', got '${kind}'`);
  return undefined;
}
