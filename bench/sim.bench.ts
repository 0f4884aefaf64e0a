// Speed of the discrete-event simulator driving the real routing engine: one simulated day of a
// 1,000-agent center (~300,000 contacts, two queues, skill-based routing steps, breaks, patience).
// Goal (issue 3): under 10 s of wall time. Also times the event calendar alone. Bounded < 60 s.
import { EventCalendar } from '../apps/sim/src/simulation/event-calendar';
import { engineOptionsFor, engineRoutingPort } from '../apps/sim/src/simulation/engine-routing-port';
import { parseScenario } from '../apps/sim/src/simulation/scenario-parser';
import { runSimulation } from '../apps/sim/src/simulation/simulation';
import { seededRandom } from '@switchboard/kernel';

const INTERVALS = 48;
const CONTACTS_PER_DAY = 300_000;

/** Daily shape, mean 1: quieter at night, busier by day, a TV-shopping spike at 20:00. */
function shape(i: number): number {
  const daytime = 1 + 0.2 * Math.sin(((i - 14) / INTERVALS) * 2 * Math.PI);
  return i === 40 ? daytime * 1.5 : daytime;
}

function scenarioJson(): unknown {
  const weights = Array.from({ length: INTERVALS }, (_, i) => shape(i));
  const total = weights.reduce((s, w) => s + w, 0);
  const calls = (share: number) => weights.map((w) => (CONTACTS_PER_DAY * share * w) / total);
  const breaks = [
    { start: 3 * 3600, durationSeconds: 900, staggerSeconds: 4 * 3600 },
    { start: 10 * 3600, durationSeconds: 1800, staggerSeconds: 4 * 3600 },
    { start: 17 * 3600, durationSeconds: 900, staggerSeconds: 4 * 3600 },
  ];
  const group = (id: string, count: number, skills: Record<string, number>, queues: string[]) => ({
    id,
    count,
    skills,
    queues,
    breaks,
  });
  return {
    name: 'bench-day',
    seed: 2026,
    intervals: { seconds: 1800, count: INTERVALS },
    serviceLevel: { thresholdSeconds: 20 },
    queues: [
      {
        id: 'sales',
        arrivals: { kind: 'poisson', callsPerInterval: calls(0.55) },
        handleTime: { kind: 'lognormal', mean: 200, sd: 120 },
        wrapUpTime: { kind: 'fixed', value: 30 },
        patience: { kind: 'exponential', mean: 180 },
        routing: { steps: [{ expression: 'skills.sales >= 1' }] },
      },
      {
        id: 'service',
        arrivals: { kind: 'poisson', callsPerInterval: calls(0.45) },
        handleTime: { kind: 'lognormal', mean: 210, sd: 150 },
        wrapUpTime: { kind: 'exponential', mean: 30 },
        patience: { kind: 'exponential', mean: 240 },
        routing: {
          steps: [
            { expression: 'skills.service >= 7', timeoutSeconds: 20 },
            { expression: 'skills.service >= 1' },
          ],
        },
      },
    ],
    agentGroups: [
      group('sales', 450, { sales: 5 }, ['sales']),
      group('service-expert', 150, { service: 8 }, ['service']),
      group('service', 200, { service: 4 }, ['service']),
      group('blended', 200, { sales: 6, service: 6 }, ['sales', 'service']),
    ],
  };
}

function benchCalendar(): number {
  const calendar = new EventCalendar();
  const random = seededRandom(1);
  const n = 2_000_000;
  const t0 = performance.now();
  // A hold model: a steady population of 100,000 pending events, each pop schedules one more.
  for (let i = 0; i < 100_000; i++) calendar.schedule(random.next() * 1e6, 1, i);
  for (let i = 0; i < n; i++) {
    calendar.next();
    calendar.schedule(calendar.time + random.next() * 1e6, 1, i);
  }
  return n / ((performance.now() - t0) / 1000);
}

const parsed = parseScenario(scenarioJson());
if (!parsed.ok) throw new Error(parsed.error.message);
const scenario = parsed.value;
const agents = scenario.agentGroups.reduce((n, g) => n + g.count, 0);
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const run = runSimulation(scenario, { routing: engineRoutingPort(engineOptionsFor(scenario)) });
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
if (!run.ok) throw new Error(run.error.message);
const { report, contacts, calendarEvents, routingEvents } = run.value;
const memory = process.memoryUsage();
const t = report.totals;
const eventsPerS = calendarEvents / wallS;
const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

console.log(
  `sim: one simulated day, ${agents} agents, ${scenario.queues.length} queues, real routing engine`,
);
console.log(`  contacts            ${contacts}  (${Math.round(contacts / wallS)} /s)`);
console.log(`  calendar events     ${calendarEvents}  (${(eventsPerS / 1e6).toFixed(2)} M/s)`);
console.log(`  routing events      ${routingEvents}  (${(routingEvents / wallS / 1e6).toFixed(2)} M/s)`);
console.log(
  `  wall time           ${wallS.toFixed(2)} s  (goal < 10 s); CPU time ${cpuS.toFixed(2)} s (all threads, GC included)`,
);
console.log(
  `  heap used           ${(memory.heapUsed / 1e6).toFixed(0)} MB (grew ${((memory.heapUsed - heapBefore) / 1e6).toFixed(0)} MB), rss ${(memory.rss / 1e6).toFixed(0)} MB`,
);
console.log(
  `  day figures         SL ${pct(t.serviceLevel)}  ASA ${t.asa?.toFixed(1)} s  abandon ${pct(t.abandonRate)}  occupancy ${pct(t.occupancy)}  AHT ${t.aht?.toFixed(0)} s`,
);
console.log(
  `  event calendar alone ${(benchCalendar() / 1e6).toFixed(2)} M hold operations/s (100,000 pending)`,
);
console.log(
  `sim: agents=${agents} contacts=${contacts} wall_s=${wallS.toFixed(2)} events_per_s=${Math.round(eventsPerS)}`,
);
