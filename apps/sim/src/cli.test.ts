import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/switchboard-sim.mjs', import.meta.url));
const entry = fileURLToPath(new URL('./cli.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function spawn(file: string, args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const sim = (...args: string[]) => spawn(process.execPath, [bin, ...args]);

async function json(...args: string[]): Promise<Record<string, number>> {
  const r = await sim(...args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.endsWith('\n')).toBe(true);
  return JSON.parse(r.stdout) as Record<string, number>;
}

const classic = ['--calls', '100', '--interval', '1800', '--aht', '180', '--target', '20'];

describe('switchboard-sim erlang', () => {
  it('prints Erlang B blocking', async () => {
    const out = await json('erlang', 'b', '--traffic', '10', '--trunks', '10');
    expect(Object.keys(out)).toEqual(['blocking']);
    expect(out.blocking).toBeCloseTo(0.214582343107347, 14);
  });

  it('prints Erlang C measures from calls per interval or from a rate', async () => {
    const out = await json('erlang', 'c', ...classic, '--agents', '11');
    expect(Object.keys(out)).toEqual(['pWait', 'serviceLevel', 'asa', 'occupancy']);
    expect(out.pWait).toBeCloseTo(0.682118204689332, 14);
    expect(out.serviceLevel).toBeCloseTo(0.389613811729153, 14);
    expect(out.asa).toBeCloseTo(122.78127684408, 10);
    const byRate = await json(
      'erlang',
      'c',
      '--arrival-rate=0.05',
      '--aht',
      '180',
      '--agents',
      '10',
      '--target',
      '20',
    );
    expect(byRate.occupancy).toBeCloseTo(0.9, 15);
  });

  it('prints Erlang A measures with abandonment and mean wait over all contacts', async () => {
    const out = await json('erlang', 'a', ...classic, '--agents', '11', '--patience', '120');
    expect(Object.keys(out)).toEqual(['pWait', 'serviceLevel', 'asa', 'occupancy', 'pAbandon', 'meanWait']);
    expect(out.pAbandon).toBeCloseTo(0.0941550342374565, 12);
    expect(out.asa).toBeCloseTo(9.7825175186691, 9);
    expect(out.meanWait).toBeCloseTo(11.2986041084948, 9);
  });

  it('prints required and scheduled agents for a service-level goal', async () => {
    const c = await json('erlang', 'c', ...classic, '--service-level', '0.8', '--shrinkage', '0.3');
    expect(c).toMatchObject({ agents: 14, scheduledAgents: 20 });
    expect(c.serviceLevel).toBeGreaterThanOrEqual(0.8);
    const a = await json('erlang', 'a', ...classic, '--patience', '120', '--service-level', '0.8');
    expect(a.agents).toBe(12);
    expect(a).not.toHaveProperty('scheduledAgents');
    const capped = await json(
      'erlang',
      'a',
      ...classic,
      '--patience',
      '120',
      '--service-level',
      '0.8',
      '--max-abandon-rate',
      '0.02',
    );
    expect(capped.agents).toBeGreaterThan(12);
    expect(capped.pAbandon).toBeLessThanOrEqual(0.02);
  });

  it('prints help on stdout with exit 0', async () => {
    for (const args of [['--help'], ['erlang', '--help'], ['erlang', 'a', '--help']]) {
      const r = await sim(...args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: switchboard-sim/);
      expect(r.stderr).toBe('');
    }
  });

  it.each([
    [
      'an unknown flag',
      ['erlang', 'b', '--traffic', '1', '--trunks', '2', '--lines', '3'],
      'CLI.UNKNOWN_FLAG',
    ],
    [
      'a flag of another model',
      ['erlang', 'c', ...classic, '--agents', '11', '--patience', '60'],
      'CLI.UNKNOWN_FLAG',
    ],
    ['a missing value', ['erlang', 'b', '--trunks', '2', '--traffic'], 'CLI.MISSING_VALUE'],
    ['a non-numeric value', ['erlang', 'b', '--traffic', 'ten', '--trunks', '2'], 'CLI.NOT_A_NUMBER'],
    [
      'a missing flag',
      ['erlang', 'c', '--calls', '100', '--interval', '1800', '--agents', '11', '--target', '20'],
      'CLI.MISSING_FLAG',
    ],
    [
      'both --agents and --service-level',
      ['erlang', 'c', ...classic, '--agents', '14', '--service-level', '0.8'],
      'CLI.CONFLICTING_FLAGS',
    ],
    [
      'both --arrival-rate and --calls',
      ['erlang', 'c', ...classic, '--arrival-rate', '1', '--agents', '14'],
      'CLI.CONFLICTING_FLAGS',
    ],
    ['an unknown model', ['erlang', 'x'], 'CLI.UNKNOWN_COMMAND'],
    ['an unknown command', ['simulate'], 'CLI.UNKNOWN_COMMAND'],
    [
      'λ = 0',
      ['erlang', 'c', '--arrival-rate', '0', '--aht', '180', '--agents', '3', '--target', '20'],
      'WORKFORCE.INVALID_ARRIVAL_RATE',
    ],
    [
      'AHT = 0',
      [
        'erlang',
        'a',
        '--arrival-rate',
        '1',
        '--aht',
        '0',
        '--agents',
        '3',
        '--target',
        '20',
        '--patience',
        '60',
      ],
      'WORKFORCE.INVALID_HANDLE_TIME',
    ],
    ['negative trunks', ['erlang', 'b', '--traffic', '10', '--trunks', '-3'], 'WORKFORCE.INVALID_TRUNKS'],
    [
      'agents above the maximum',
      ['erlang', 'c', ...classic, '--agents', '20001'],
      'WORKFORCE.TOO_MANY_AGENTS',
    ],
    [
      'a load the agents cannot carry',
      ['erlang', 'c', ...classic, '--agents', '9'],
      'WORKFORCE.UNSTABLE_QUEUE',
    ],
    [
      'shrinkage of 1',
      ['erlang', 'c', ...classic, '--service-level', '0.8', '--shrinkage', '1'],
      'WORKFORCE.INVALID_SHRINKAGE',
    ],
  ])('exits 2 with a coded message on stderr for %s', async (_, args, code) => {
    const r = await sim(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(`^switchboard-sim: ${code.replace('.', '\\.')}: \\S`),
    );
  });

  it('runs the same entry through tsx, as `npm run sim` does', async () => {
    const r = await spawn(tsx, [entry, 'erlang', 'b', '--traffic', '2', '--trunks', '3']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ blocking: expect.closeTo(4 / 19, 15) });
  });
});
