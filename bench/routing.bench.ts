// Routing decision latency and throughput of packages/routing against a naive scan-all baseline
// (what Asterisk app_queue does on a device-state change: every queue, every member), plus memory
// per agent and per waiting contact. Ends with the one-line summary `npm run bench` relies on.
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { seededRandom, type Random } from '@switchboard/kernel';
import {
  RoutingEngine,
  compileExpression,
  type AgentView,
  type CompiledExpression,
  type RoutingCommand,
  type RoutingEventOf,
} from '@switchboard/routing';
import { arg } from './bench-args';

type Offered = RoutingEventOf<'ContactOffered'>;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SKILLS = 100;
const QUEUES_PER_AGENT = 5;

interface Setup {
  readonly agents: number;
  readonly queues: number;
  readonly waiting: number;
}

interface Figures {
  p50: number;
  p99: number;
  perSecond: number;
}

/** A fake wall clock that moves 1 ms per operation, so timers (steps, ring timeouts) do fire. */
const clock = { t: Date.UTC(2026, 0, 5, 9), now: () => clock.t };

const queueSkill = (q: number): string => `s${q % SKILLS}`;

function agentProfile(rng: Random, queues: number): { skills: Record<string, number>; queues: string[] } {
  const member = new Set<number>();
  while (member.size < Math.min(QUEUES_PER_AGENT, queues)) member.add(Math.floor(rng.next() * queues));
  const skills: Record<string, number> = {};
  for (const q of member) skills[queueSkill(q)] = 1 + Math.floor(rng.next() * 10);
  for (let i = 0; i < 5; i++) skills[`s${Math.floor(rng.next() * SKILLS)}`] = 1 + Math.floor(rng.next() * 10);
  return { skills, queues: [...member].map((q) => `q${q}`) };
}

function must(engine: RoutingEngine, command: RoutingCommand): void {
  const r = engine.execute(command);
  if (!r.ok) throw new Error(`${command.type}: ${r.error.code} ${r.error.message}`);
}

const STRATEGIES = [
  'longest-idle',
  'longest-idle',
  'round-robin',
  'highest-skill',
  'least-occupied',
  'fewest-contacts-today',
];

function buildEngine(setup: Setup, rng: Random): RoutingEngine {
  const engine = new RoutingEngine({ clock });
  for (let q = 0; q < setup.queues; q++) {
    const skill = queueSkill(q);
    const kind = STRATEGIES[q % STRATEGIES.length] as string;
    // One queue in ten targets the caller's language first: a contact-reading step.
    const first =
      q % 10 === 0 ? `skills.${skill} >= 5 and languages has contact.language` : `skills.${skill} >= 5`;
    must(engine, {
      type: 'ConfigureQueue',
      queue: {
        queueId: `q${q}`,
        steps: [{ expression: first, timeoutSeconds: 30 }, { expression: `skills.${skill} >= 1` }],
        strategy: kind === 'highest-skill' ? { kind, skill } : { kind },
        wrapUp: { seconds: 0 },
      },
    });
  }
  for (let a = 0; a < setup.agents; a++) {
    const p = agentProfile(rng, setup.queues);
    must(engine, {
      type: 'LogInAgent',
      agentId: `a${a}`,
      channels: [{ channel: 'voice', capacity: 1 }],
      skills: p.skills,
      attributes: { languages: rng.next() < 0.5 ? ['zh', 'en'] : ['zh'] },
      queues: p.queues,
    });
  }
  return engine;
}

let contactSeq = 0;
function enqueue(engine: RoutingEngine, rng: Random, queues: number): void {
  clock.t++;
  must(engine, {
    type: 'EnqueueContact',
    contactId: `c${++contactSeq}`,
    queueId: `q${Math.floor(rng.next() * queues)}`,
    priority: rng.next() < 0.1 ? 1 : 0,
    attributes: { language: rng.next() < 0.2 ? 'en' : 'zh' },
  });
}

/** Live memory after a full collection: the JS heap plus typed-array buffers, which live outside it. */
function liveBytes(): number {
  // Twice: the second collection waits for the first one's sweeping, which frees buffers lazily.
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

/**
 * Steady state: every agent busy, `waiting` contacts queued. One decision = an agent ends a contact
 * (no wrap-up), becomes available and is offered the best eligible waiting contact. The answer and
 * a replacement arrival keep the state steady and are not timed. Memory per agent counts the
 * engine after logins (queues included), per contact what queueing them added (timers included).
 */
function measureEngine(
  setup: Setup,
  decisions: number,
): Figures & { memoryPerAgent: number; memoryPerContact: number } {
  const rng = seededRandom(7);
  const memory0 = liveBytes();
  const engine = buildEngine(setup, rng);
  const memory1 = liveBytes();
  for (let i = 0; i < setup.waiting + setup.agents; i++) enqueue(engine, rng, setup.queues);
  const memory2 = liveBytes();
  const busy: string[] = [];
  const answerOffers = (events: readonly { type: string; data: unknown }[]): void => {
    for (const e of events)
      if (e.type === 'ContactOffered') {
        const d = e.data as { contactId: string; agentId: string };
        const now = engine.contact(d.contactId);
        if (now?.status !== 'offered' || now.agentId !== d.agentId) continue;
        must(engine, { type: 'AnswerContact', contactId: d.contactId, agentId: d.agentId });
        busy.push(d.contactId);
      }
  };
  for (let a = 0; a < setup.agents; a++) {
    const r = engine.execute({ type: 'SetAgentReady', agentId: `a${a}` });
    if (r.ok) answerOffers(r.value.events);
  }
  const samples = new Float64Array(decisions);
  let measured = 0;
  let total = 0n;
  /** One decision; the answer, a replacement arrival and timers keep the state steady, untimed. */
  const decide = (i: number, timed: boolean): void => {
    const contactId = busy[i % busy.length] as string;
    clock.t++;
    const t0 = process.hrtime.bigint();
    const r = engine.execute({ type: 'EndContact', contactId });
    const dt = process.hrtime.bigint() - t0;
    if (timed) {
      total += dt;
      samples[measured++] = Number(dt) / 1000;
    }
    if (!r.ok) throw new Error(r.error.code);
    const offer = r.value.events.find((e): e is Offered => e.type === 'ContactOffered')?.data;
    busy[i % busy.length] = offer ? offer.contactId : (busy.pop() as string);
    if (offer) must(engine, { type: 'AnswerContact', contactId: offer.contactId, agentId: offer.agentId });
    enqueue(engine, rng, setup.queues);
    if (i % 1000 === 0) answerOffers(engine.tick().events);
  };
  // Warm-up: let the JIT compile the decision path before it is timed, so p99 is steady state.
  const warmUp = Math.min(20_000, decisions / 10);
  for (let i = 0; i < warmUp && busy.length > 0; i++) decide(i, false);
  for (let i = warmUp; i < warmUp + decisions && busy.length > 0; i++) decide(i, true);
  const sorted = samples.subarray(0, measured).sort();
  return {
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    perSecond: measured / (Number(total) / 1e9),
    memoryPerAgent: (memory1 - memory0) / setup.agents,
    memoryPerContact: (memory2 - memory1) / (setup.waiting + setup.agents),
  };
}

/** The baseline: arrays, no indexes; on every agent state change scan all queues and members. */
function measureNaive(setup: Setup, decisions: number): Figures {
  const rng = seededRandom(7);
  const compiled = new Map<string, CompiledExpression>();
  const compile = (s: string): CompiledExpression => {
    const r = compileExpression(s);
    if (!r.ok) throw new Error(r.error.message);
    compiled.set(s, r.value);
    return r.value;
  };
  const queues = Array.from({ length: setup.queues }, (_, q) => ({
    members: [] as string[],
    steps: [
      compile(
        q % 10 === 0
          ? `skills.${queueSkill(q)} >= 5 and languages has contact.language`
          : `skills.${queueSkill(q)} >= 5`,
      ),
      compile(`skills.${queueSkill(q)} >= 1`),
    ],
    contacts: [] as Array<{ priority: number; arrivedAt: number; attributes: { language: string } }>,
  }));
  const agents: AgentView[] = [];
  for (let a = 0; a < setup.agents; a++) {
    const p = agentProfile(rng, setup.queues);
    agents.push({
      skills: new Map(Object.entries(p.skills)),
      attributes: { languages: rng.next() < 0.5 ? ['zh', 'en'] : ['zh'] },
    });
    for (const q of p.queues) queues[Number(q.slice(1))]?.members.push(`a${a}`);
  }
  const add = (): void => {
    clock.t++;
    const q = queues[Math.floor(rng.next() * setup.queues)];
    q?.contacts.push({
      priority: rng.next() < 0.1 ? 1 : 0,
      arrivedAt: clock.t,
      attributes: { language: rng.next() < 0.2 ? 'en' : 'zh' },
    });
  };
  for (let i = 0; i < setup.waiting; i++) add();
  const samples = new Float64Array(decisions);
  let total = 0n;
  for (let i = 0; i < decisions; i++) {
    const a = i % setup.agents;
    const agentId = `a${a}`;
    const view = agents[a] as AgentView;
    clock.t++;
    const t0 = process.hrtime.bigint();
    let best: { q: number; i: number; priority: number; arrivedAt: number } | undefined;
    for (let q = 0; q < queues.length; q++) {
      const queue = queues[q] as (typeof queues)[number];
      if (!queue.members.includes(agentId)) continue;
      for (let ci = 0; ci < queue.contacts.length; ci++) {
        const c = queue.contacts[ci] as (typeof queue.contacts)[number];
        const step = queue.steps[clock.t - c.arrivedAt >= 30_000 ? 1 : 0] as CompiledExpression;
        if (!step.evaluate(view, c)) continue;
        if (
          best === undefined ||
          c.priority > best.priority ||
          (c.priority === best.priority && c.arrivedAt < best.arrivedAt)
        )
          best = { q, i: ci, priority: c.priority, arrivedAt: c.arrivedAt };
      }
    }
    if (best) queues[best.q]?.contacts.splice(best.i, 1);
    const dt = process.hrtime.bigint() - t0;
    total += dt;
    samples[i] = Number(dt) / 1000;
    add();
  }
  const sorted = samples.sort();
  return {
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    perSecond: decisions / (Number(total) / 1e9),
  };
}

const fmt = (x: number, d = 1): string => x.toFixed(d);
const setups: Setup[] = [
  { agents: 100, queues: 10, waiting: 1_000 },
  { agents: 1_000, queues: 100, waiting: 10_000 },
  { agents: 10_000, queues: 1_000, waiting: 100_000 },
];
const only = arg('agents', '');
if (only !== '') setups.splice(0, setups.length, ...setups.filter((s) => s.agents === Number(only)));
let last: { setup: Setup; engine: Figures; naive: Figures } | undefined;
console.log(
  `routing decisions (agent ends a contact → offered the best eligible contact), ${QUEUES_PER_AGENT} queues per agent, ${SKILLS} skills`,
);
// Latencies are wall-clock: on a shared machine other processes inflate the mean and p99.
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(`load average ${load()} before measuring`);
for (const setup of setups) {
  const engine = measureEngine(setup, 200_000);
  const naive = measureNaive(setup, setup.agents >= 10_000 ? 2_000 : 5_000);
  console.log(
    `agents=${setup.agents} queues=${setup.queues} waiting=${setup.waiting}: ` +
      `engine p50=${fmt(engine.p50)}µs p99=${fmt(engine.p99)}µs ${fmt(engine.perSecond, 0)}/s | ` +
      `naive p50=${fmt(naive.p50)}µs p99=${fmt(naive.p99)}µs ${fmt(naive.perSecond, 0)}/s | ` +
      `memory ${fmt(engine.memoryPerAgent / 1024, 2)} KiB/agent, ${fmt(engine.memoryPerContact, 0)} B/waiting contact`,
  );
  last = { setup, engine, naive };
}
console.log(`load average ${load()} after measuring`);
if (last)
  console.log(
    `routing: agents=${last.setup.agents} queues=${last.setup.queues} waiting=${last.setup.waiting} ` +
      `p50_us=${fmt(last.engine.p50)} p99_us=${fmt(last.engine.p99)} decisions_per_s=${fmt(last.engine.perSecond, 0)} naive_p99_us=${fmt(last.naive.p99)}`,
  );
