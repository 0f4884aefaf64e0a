import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import {
  arrivalRateFromVolume,
  erlangA,
  erlangB,
  erlangC,
  requiredAgentsErlangA,
  requiredAgentsErlangC,
  scheduledAgents,
  WORKFORCE_LIMITS,
  type QueueInput,
} from '@switchboard/workforce';
import { ExitCode, reportRejection, type Command } from './command';
import { CliRejectionCode, numberFlag, parseFlags, requiredNumberFlag, type Flags } from './parse-flags';

const QUEUE_INPUT_HELP = `  --calls <n> --interval <s>   contacts offered in an interval of <s> seconds, or
  --arrival-rate <per s>       contacts offered per second
  --aht <s>                    average handle time (talk + hold + wrap-up)
  --target <s>                 service-level threshold T
  --agents <n>                 agents on the phones: prints the queue's measures, or
  --service-level <0..1>       goal (answered within T / offered): prints the agents required
  --shrinkage <0..1>           with --service-level: also the agents to schedule`;

const USAGE = {
  b: `Usage: switchboard-sim erlang b --traffic <erlangs> --trunks <n>

Erlang B: share of contacts blocked when <erlangs> are offered to <n> trunks with no queue.
Prints {"blocking"}.
`,
  c: `Usage: switchboard-sim erlang c (--calls <n> --interval <s> | --arrival-rate <per s>) --aht <s>
                              --target <s> (--agents <n> | --service-level <0..1> [--shrinkage <0..1>])

Erlang C (M/M/n, callers never hang up). Prints {"pWait","serviceLevel","asa","occupancy"},
or {"agents",["scheduledAgents",]…} with --service-level.
${QUEUE_INPUT_HELP}
`,
  a: `Usage: switchboard-sim erlang a (--calls <n> --interval <s> | --arrival-rate <per s>) --aht <s>
                              --target <s> --patience <s>
                              (--agents <n> | --service-level <0..1> [--shrinkage <0..1>]
                               [--max-abandon-rate <0..1>])

Erlang A (M/M/n+M, exponential patience). Prints {"pWait","serviceLevel","asa","occupancy",
"pAbandon","meanWait"}: asa over answered contacts, meanWait over all offered contacts with
abandoners counted for the time they waited. With --service-level prints the agents required.
${QUEUE_INPUT_HELP}
  --patience <s>               mean time a caller waits before hanging up
  --max-abandon-rate <0..1>    with --service-level: also keep abandonment at or below this
`,
};

const HELP = `Usage: switchboard-sim erlang <b|c|a> [flags]

Staffing calculator. Times are in seconds; results are one JSON object on stdout.
At most ${WORKFORCE_LIMITS.maxAgents} agents. Errors go to stderr with exit code 2.

${USAGE.b}
${USAGE.c}
${USAGE.a}`;

const QUEUE_FLAGS = [
  'calls',
  'interval',
  'arrival-rate',
  'aht',
  'target',
  'agents',
  'service-level',
  'shrinkage',
];
const FLAGS = {
  b: ['traffic', 'trunks'],
  c: QUEUE_FLAGS,
  a: [...QUEUE_FLAGS, 'patience', 'max-abandon-rate'],
};

type Model = keyof typeof USAGE;
// Any of the workforce results; each is printed as it is, so its field names are the JSON keys.
type Output = Result<object, Rejection>;

const conflict = (message: string) => err(rejection(CliRejectionCode.conflictingFlags, message));
const missing = (message: string) => err(rejection(CliRejectionCode.missingFlag, message));

function blocking(flags: Flags): Output {
  const traffic = requiredNumberFlag(flags, 'traffic');
  if (!traffic.ok) return traffic;
  const trunks = requiredNumberFlag(flags, 'trunks');
  if (!trunks.ok) return trunks;
  return erlangB(traffic.value, trunks.value);
}

/** λ from either flag form, plus AHT and T. */
function demand(flags: Flags): Result<QueueInput, Rejection> {
  const rate = numberFlag(flags, 'arrival-rate');
  if (!rate.ok) return rate;
  const calls = numberFlag(flags, 'calls');
  if (!calls.ok) return calls;
  const interval = numberFlag(flags, 'interval');
  if (!interval.ok) return interval;
  let arrivalRate = rate.value;
  if (arrivalRate !== undefined) {
    if (calls.value !== undefined || interval.value !== undefined)
      return conflict('give either --arrival-rate or --calls with --interval, not both');
  } else {
    if (calls.value === undefined || interval.value === undefined)
      return missing('give --arrival-rate, or --calls with --interval');
    const derived = arrivalRateFromVolume(calls.value, interval.value);
    if (!derived.ok) return derived;
    arrivalRate = derived.value;
  }
  const averageHandleTime = requiredNumberFlag(flags, 'aht');
  if (!averageHandleTime.ok) return averageHandleTime;
  const targetTime = requiredNumberFlag(flags, 'target');
  if (!targetTime.ok) return targetTime;
  return ok({ arrivalRate, averageHandleTime: averageHandleTime.value, targetTime: targetTime.value });
}

/** Erlang C or A: the measures for --agents, or the staffing for --service-level. */
function queue(flags: Flags, model: 'c' | 'a'): Output {
  const input = demand(flags);
  if (!input.ok) return input;
  const agents = numberFlag(flags, 'agents');
  if (!agents.ok) return agents;
  const serviceLevel = numberFlag(flags, 'service-level');
  if (!serviceLevel.ok) return serviceLevel;
  const shrinkage = numberFlag(flags, 'shrinkage');
  if (!shrinkage.ok) return shrinkage;
  const maxAbandonRate = numberFlag(flags, 'max-abandon-rate');
  if (!maxAbandonRate.ok) return maxAbandonRate;
  const patience = model === 'a' ? requiredNumberFlag(flags, 'patience') : ok(0);
  if (!patience.ok) return patience;

  if (agents.value !== undefined) {
    if (serviceLevel.value !== undefined)
      return conflict('give either --agents or --service-level, not both');
    if (shrinkage.value !== undefined || maxAbandonRate.value !== undefined)
      return conflict('--shrinkage and --max-abandon-rate apply only with --service-level');
    return model === 'c'
      ? erlangC({ ...input.value, agents: agents.value })
      : erlangA({ ...input.value, agents: agents.value, patience: patience.value });
  }
  if (serviceLevel.value === undefined)
    return missing('give --agents, or --service-level for the agents required');
  const staffing =
    model === 'c'
      ? requiredAgentsErlangC({ ...input.value, serviceLevel: serviceLevel.value })
      : requiredAgentsErlangA({
          ...input.value,
          serviceLevel: serviceLevel.value,
          patience: patience.value,
          ...(maxAbandonRate.value === undefined ? {} : { maxAbandonRate: maxAbandonRate.value }),
        });
  if (!staffing.ok) return staffing;
  const { agents: required, ...measures } = staffing.value;
  if (shrinkage.value === undefined) return ok({ agents: required, ...measures });
  const scheduled = scheduledAgents(required, shrinkage.value);
  if (!scheduled.ok) return scheduled;
  return ok({ agents: required, scheduledAgents: scheduled.value, ...measures });
}

const isModel = (word: string): word is Model => Object.hasOwn(USAGE, word);

/** `switchboard-sim erlang <b|c|a> …`: the staffing calculator, one JSON object per run. */
export const erlangCommand: Command = {
  name: 'erlang',
  summary: 'staffing calculator: Erlang B (blocking), C (waiting) and A (waiting with abandonment)',
  run(args, io) {
    const [model, ...rest] = args;
    if (model === '--help' || model === '-h') {
      io.out(HELP);
      return ExitCode.ok;
    }
    if (model === undefined || !isModel(model)) {
      const got = model === undefined ? 'nothing' : `'${model}'`;
      return reportRejection(io, {
        code: CliRejectionCode.unknownCommand,
        message: `erlang expects b, c or a, got ${got}; see 'switchboard-sim erlang --help'`,
      });
    }
    const flags = parseFlags(rest, FLAGS[model]);
    if (!flags.ok) return reportRejection(io, flags.error);
    if (flags.value.help) {
      io.out(USAGE[model]);
      return ExitCode.ok;
    }
    const output = model === 'b' ? blocking(flags.value) : queue(flags.value, model);
    if (!output.ok) return reportRejection(io, output.error);
    io.out(`${JSON.stringify(output.value)}\n`);
    return ExitCode.ok;
  },
};
