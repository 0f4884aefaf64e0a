/**
 * `switchboard-sim run --scenario <file.json>`: runs the discrete-event simulator on a scenario
 * against the real routing engine and prints per-interval results as one JSON object.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { rejection, type Rejection } from '@switchboard/kernel';
import { ExitCode, reportRejection, type Command, type CommandIo } from './command';
import { numberFlag, parseFlags } from './parse-flags';
import { engineOptionsFor, engineRoutingPort } from './simulation/engine-routing-port';
import { eventLogLine } from './simulation/event-log';
import type { AnyRoutingEvent } from './simulation/routing-port';
import type { Scenario } from './simulation/scenario';
import { parseScenario, SimulationCode } from './simulation/scenario-parser';
import { runSimulation } from './simulation/simulation';

const HELP = `Usage: switchboard-sim run --scenario <file.json> [--event-log <file.jsonl>] [--seed <n>]

Discrete-event simulation of a contact center on a virtual clock, driving the real routing engine.
Prints {"scenario","seed","intervalSeconds","intervals":[…],"totals":{…}}: per interval (by arrival)
offered, answered, abandoned, serviceLevel, asa, meanWait, abandonRate, aht, occupancy,
agentsLoggedIn, and the same per queue. Times in seconds.

  --scenario <file.json>    the scenario (format: apps/sim/src/simulation/README.md)
  --event-log <file.jsonl>  write every routing event as JSON lines (overrides the scenario's
                            "eventLog", which is relative to the scenario file)
  --seed <n>                override the scenario's random seed
`;

/** Codes of the run command's own failures. */
export const RunCommandCode = {
  unreadable: 'SIM.SCENARIO_UNREADABLE',
  notJson: 'SIM.SCENARIO_NOT_JSON',
  missingScenario: 'CLI.MISSING_FLAG',
} as const;

const processIo: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs `run` with its arguments; resolves to the exit code (2 for any mistake in the input). */
export async function runCommand(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const flags = parseFlags(argv, ['scenario', 'event-log', 'seed']);
  if (!flags.ok) return reportRejection(io, flags.error);
  if (flags.value.help) {
    io.out(HELP);
    return ExitCode.ok;
  }
  const file = flags.value.values['scenario'];
  if (file === undefined)
    return reportRejection(io, rejection(RunCommandCode.missingScenario, '--scenario is required'));
  const seed = numberFlag(flags.value, 'seed');
  if (!seed.ok) return reportRejection(io, seed.error);
  const loaded = loadScenario(file, seed.value);
  if ('code' in loaded) return reportScenarioRejection(io, loaded);
  const logPath = flags.value.values['event-log'] ?? logPathOf(loaded, file);
  return simulate(loaded, logPath, io);
}

/** The `run` subcommand for `cli.ts`. */
export const runSimulationCommand: Command = {
  name: 'run',
  summary: 'simulate a scenario file on the routing engine (per-interval JSON)',
  run: (args, io) => runCommand(args, io),
};

function loadScenario(file: string, seed: number | undefined): Scenario | Rejection {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return rejection(RunCommandCode.unreadable, `cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return rejection(RunCommandCode.notJson, `${file} is not JSON: ${(e as Error).message}`);
  }
  if (seed !== undefined && typeof json === 'object' && json !== null) json = { ...json, seed };
  const parsed = parseScenario(json);
  return parsed.ok ? parsed.value : parsed.error;
}

/** An invalid scenario gets one stderr line per problem, each naming its field. */
function reportScenarioRejection(io: CommandIo, r: Rejection): number {
  const problems = (r.details?.['problems'] ?? []) as readonly { field: string; message: string }[];
  if (r.code !== SimulationCode.invalidScenario || problems.length === 0) return reportRejection(io, r);
  for (const p of problems) io.err(`switchboard-sim: ${r.code}: ${p.field}: ${p.message}\n`);
  return ExitCode.usage;
}

function logPathOf(scenario: Scenario, scenarioFile: string): string | undefined {
  return scenario.eventLog === null ? undefined : resolve(dirname(scenarioFile), scenario.eventLog);
}

function simulate(scenario: Scenario, logPath: string | undefined, io: CommandIo): number {
  const log = logPath === undefined ? undefined : openLog(logPath);
  if (log !== undefined && 'code' in log) return reportRejection(io, log);
  try {
    const run = runSimulation(scenario, {
      routing: engineRoutingPort(engineOptionsFor(scenario)),
      ...(log && { onLogEvent: log.write }),
    });
    if (!run.ok) return reportRejection(io, run.error);
    io.out(`${JSON.stringify(run.value.report, roundForPrinting, 2)}\n`);
    return ExitCode.ok;
  } finally {
    log?.close();
  }
}

const FLUSH_BYTES = 1 << 20;

/** A JSON-lines event log written synchronously in large chunks: memory stays flat over a long day. */
function openLog(path: string): { write: (e: AnyRoutingEvent) => void; close: () => void } | Rejection {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    return rejection(
      RunCommandCode.unreadable,
      `cannot write the event log ${path}: ${(e as Error).message}`,
    );
  }
  let chunk: string[] = [];
  let size = 0;
  const flush = (): void => {
    writeSync(fd, chunk.join(''));
    chunk = [];
    size = 0;
  };
  return {
    write: (event) => {
      const line = eventLogLine(event);
      chunk.push(line);
      size += line.length;
      if (size >= FLUSH_BYTES) flush();
    },
    close: () => {
      flush();
      closeSync(fd);
    },
  };
}

/** Four decimals are plenty for ratios and seconds, and keep the output readable. */
function roundForPrinting(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1e4) / 1e4 : value;
}
