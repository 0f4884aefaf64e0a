import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { parseAttributes, parseQueue } from './queue-parser';
import type { Scenario, ScenarioAgentGroup, ScenarioBreak, ScenarioQueue } from './scenario';
import { fieldPath, ObjectReader, parseClock, type ScenarioProblem } from './scenario-fields';

/** Stable rejection codes of the simulator. */
export const SimulationCode = {
  invalidScenario: 'SIM.INVALID_SCENARIO',
  routingRejected: 'SIM.ROUTING_REJECTED',
} as const;

/** Limits that catch unit mistakes and runs that could not finish. */
export const SCENARIO_LIMITS = {
  maxIntervals: 10_000,
  minIntervalSeconds: 60,
  maxIntervalSeconds: 86_400,
  maxAgents: 20_000,
  maxQueues: 1_000,
  maxDrainSeconds: 7 * 86_400,
} as const;

/** Ringing must end before routing's default ring timeout (20 s), or every offer would be a RONA. */
const MAX_ANSWER_DELAY_SECONDS = 19;

const TOP_KEYS = [
  'name',
  'seed',
  'start',
  'intervals',
  'serviceLevel',
  'answerDelaySeconds',
  'drainSeconds',
  'queues',
  'agentGroups',
  'eventLog',
];

/**
 * Validates a scenario (parsed JSON) and fills in defaults. Every problem is listed, each naming
 * its field (`queues[0].handleTime.mean: must be greater than 0, got 0`), in one rejection
 * `SIM.INVALID_SCENARIO` whose details carry `{ problems: [{ field, message }] }`.
 */
export function parseScenario(json: unknown): Result<Scenario, Rejection> {
  const problems: ScenarioProblem[] = [];
  const s = ObjectReader.of(json, '', problems, TOP_KEYS);
  if (s === undefined) return invalid(problems);
  const startText = s.string('start', '00:00') as string;
  const startClock = parseClock(startText);
  if (startClock === undefined) s.add('start', `must be a clock time "HH:MM[:SS]", got '${startText}'`);
  const iv = s.object('intervals', ['seconds', 'count']);
  if (iv === undefined && !s.has('intervals')) s.add('intervals', 'is required');
  const L = SCENARIO_LIMITS;
  const intervalSeconds = iv?.number('seconds', { min: L.minIntervalSeconds, max: L.maxIntervalSeconds });
  const intervalCount = iv?.number('count', { integer: true, min: 1, max: L.maxIntervals });
  const sl = s.object('serviceLevel', ['thresholdSeconds', 'shortAbandonSeconds']);
  const thresholdSeconds = sl ? sl.number('thresholdSeconds', { above: 0 }, 20) : 20;
  const shortAbandonSeconds = sl ? sl.number('shortAbandonSeconds', { min: 0 }, 0) : 0;
  const queues = parseQueues(s, intervalCount ?? 0, thresholdSeconds ?? 20, problems);
  const groups = parseGroups(s, startClock ?? 0, problems);
  if (queues && groups) checkReferences(queues, groups, problems);
  const scenario = {
    name: s.string('name', 'scenario'),
    seed: s.number('seed', { integer: true, min: 0, max: 0xffffffff }, 1),
    startClockSeconds: startClock,
    intervalSeconds,
    intervalCount,
    shortAbandonSeconds,
    answerDelaySeconds: s.number('answerDelaySeconds', { min: 0, max: MAX_ANSWER_DELAY_SECONDS }, 0),
    drainSeconds: s.number('drainSeconds', { min: 0, max: L.maxDrainSeconds }, 4 * 3600),
    queues,
    agentGroups: groups,
    eventLog: s.has('eventLog') ? (s.string('eventLog') ?? null) : null,
  };
  return problems.length > 0 ? invalid(problems) : ok(scenario as Scenario);
}

function invalid(problems: readonly ScenarioProblem[]): Result<never, Rejection> {
  const lines = problems.map((p) => `${p.field}: ${p.message}`);
  return err(
    rejection(
      SimulationCode.invalidScenario,
      `scenario has ${problems.length} problem(s): ${lines.join('; ')}`,
      {
        problems,
      },
    ),
  );
}

function parseQueues(
  s: ObjectReader,
  intervalCount: number,
  serviceLevelSeconds: number,
  problems: ScenarioProblem[],
): ScenarioQueue[] | undefined {
  const list = s.array('queues');
  if (list === undefined) return undefined;
  if (list.length === 0 || list.length > SCENARIO_LIMITS.maxQueues)
    s.add('queues', `must list 1 to ${SCENARIO_LIMITS.maxQueues} queues, got ${list.length}`);
  // Without a valid interval count the per-interval lists cannot be checked; report that once.
  if (intervalCount === 0) return undefined;
  const queues = list.map((q, i) =>
    parseQueue(q, fieldPath('queues', i), { intervalCount, serviceLevelSeconds }, problems),
  );
  if (queues.some((q) => q === undefined)) return undefined;
  reportDuplicates(
    queues.map((q) => (q as ScenarioQueue).id),
    'queues',
    problems,
  );
  return queues as ScenarioQueue[];
}

function parseGroups(
  s: ObjectReader,
  startClock: number,
  problems: ScenarioProblem[],
): ScenarioAgentGroup[] | undefined {
  const list = s.array('agentGroups');
  if (list === undefined) return undefined;
  const groups = list.map((g, i) => parseGroup(g, fieldPath('agentGroups', i), startClock, problems));
  if (groups.some((g) => g === undefined)) return undefined;
  const valid = groups as ScenarioAgentGroup[];
  reportDuplicates(
    valid.map((g) => g.id),
    'agentGroups',
    problems,
  );
  const total = valid.reduce((n, g) => n + g.count, 0);
  if (total > SCENARIO_LIMITS.maxAgents)
    s.add('agentGroups', `at most ${SCENARIO_LIMITS.maxAgents} agents in all, got ${total}`);
  return valid;
}

const GROUP_KEYS = ['id', 'count', 'skills', 'attributes', 'queues', 'shift', 'breaks'];

function parseGroup(
  value: unknown,
  path: string,
  startClock: number,
  problems: ScenarioProblem[],
): ScenarioAgentGroup | undefined {
  const g = ObjectReader.of(value, path, problems, GROUP_KEYS);
  if (g === undefined) return undefined;
  const before = problems.length;
  const id = g.string('id');
  const count = g.number('count', { integer: true, min: 1, max: SCENARIO_LIMITS.maxAgents });
  const skills = parseSkills(g, problems);
  const attributes = parseAttributes(g.value['attributes'], g.field('attributes'), problems);
  const queues = (g.array('queues') ?? []).filter((q, i): q is string => {
    if (typeof q === 'string' && q !== '') return true;
    problems.push({ field: fieldPath(g.field('queues'), i), message: 'must be a queue id' });
    return false;
  });
  if (queues.length === 0 && g.has('queues')) g.add('queues', 'must name at least one queue');
  const shiftReader = g.object('shift', ['start', 'end']);
  const start = shiftReader?.time('start', startClock, 0) ?? 0;
  const end = shiftReader?.has('end') === true ? (shiftReader.time('end', startClock) ?? null) : null;
  if (end !== null && end <= start) shiftReader?.add('end', 'must be after the shift start');
  const breaks = (g.array('breaks', []) ?? []).map((b, i) =>
    parseBreak(b, fieldPath(g.field('breaks'), i), startClock, problems),
  );
  if (problems.length > before) return undefined;
  return {
    id: id as string,
    count: count as number,
    skills: skills as Record<string, number>,
    attributes: attributes ?? {},
    queues,
    shift: { start, end },
    breaks: breaks as ScenarioBreak[],
  };
}

function parseSkills(g: ObjectReader, problems: ScenarioProblem[]): Record<string, number> | undefined {
  const skills = g.object('skills', Object.keys((g.value['skills'] as object | null) ?? {}));
  if (skills === undefined) return g.has('skills') ? undefined : {};
  const before = problems.length;
  const out: Record<string, number> = {};
  for (const name of Object.keys(skills.value)) {
    const level = skills.number(name, { integer: true, min: 1, max: 10 });
    if (level !== undefined) out[name] = level;
  }
  return problems.length > before ? undefined : out;
}

function parseBreak(
  value: unknown,
  path: string,
  startClock: number,
  problems: ScenarioProblem[],
): ScenarioBreak | undefined {
  const b = ObjectReader.of(value, path, problems, ['start', 'durationSeconds', 'staggerSeconds']);
  if (b === undefined) return undefined;
  const start = b.time('start', startClock);
  const durationSeconds = b.number('durationSeconds', { above: 0, max: 86_400 });
  const staggerSeconds = b.number('staggerSeconds', { min: 0, max: 86_400 }, 0);
  if (start === undefined || durationSeconds === undefined || staggerSeconds === undefined) return undefined;
  return { start, durationSeconds, staggerSeconds };
}

function reportDuplicates(ids: readonly string[], path: string, problems: ScenarioProblem[]): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id))
      problems.push({ field: fieldPath(fieldPath(path, i), 'id'), message: `duplicate id '${id}'` });
    seen.add(id);
  });
}

function checkReferences(
  queues: readonly ScenarioQueue[],
  groups: readonly ScenarioAgentGroup[],
  problems: ScenarioProblem[],
): void {
  const ids = new Set(queues.map((q) => q.id));
  groups.forEach((g, i) =>
    g.queues.forEach((q, j) => {
      if (!ids.has(q))
        problems.push({ field: `agentGroups[${i}].queues[${j}]`, message: `unknown queue '${q}'` });
    }),
  );
  queues.forEach((q, i) => {
    for (const key of ['maxWaitAction', 'maxLengthAction'] as const) {
      const action = q.routing[key];
      if (action?.kind === 'queue' && !ids.has(action.queueId))
        problems.push({
          field: `queues[${i}].routing.${key}.queueId`,
          message: `unknown queue '${action.queueId}'`,
        });
    }
  });
}
