import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unwrap } from '@switchboard/kernel';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../run-command';
import { reportFromEventLog } from './event-log';

const FIXTURE = new URL('./fixtures/tv-shopping.json', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'sim-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCommand(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('switchboard-sim run', () => {
  it('prints per-interval JSON results and writes an event log that recomputes them', async () => {
    const log = join(scratch, 'events.jsonl');
    const { code, out, err } = await run(['--scenario', FIXTURE, '--event-log', log]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const printed = JSON.parse(out);
    expect(printed.intervals).toHaveLength(12);
    expect(Object.keys(printed.intervals[0])).toEqual(
      expect.arrayContaining([
        'offered',
        'answered',
        'abandoned',
        'serviceLevel',
        'asa',
        'meanWait',
        'abandonRate',
        'occupancy',
        'aht',
      ]),
    );
    const recomputed = unwrap(reportFromEventLog(readFileSync(log, 'utf8').split('\n')));
    expect(recomputed.totals.offered).toBe(printed.totals.offered);
    expect(recomputed.totals.serviceLevel).toBeCloseTo(printed.totals.serviceLevel, 4);
  });

  it('reports every scenario problem on stderr, naming the field, with exit code 2', async () => {
    const file = join(scratch, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        intervals: { seconds: 1800, count: 1 },
        queues: [
          {
            id: 'q',
            arrivals: { kind: 'poisson', callsPerInterval: -5 },
            handleTime: { kind: 'fixed', value: 0 },
          },
        ],
        agentGroups: [],
      }),
    );
    const { code, out, err } = await run(['--scenario', file]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toEqual([
      'switchboard-sim: SIM.INVALID_SCENARIO: queues[0].arrivals.callsPerInterval[0]: must be at least 0, got -5',
      'switchboard-sim: SIM.INVALID_SCENARIO: queues[0].handleTime.value: must be greater than 0, got 0',
    ]);
  });

  it('fails with exit code 2 on a missing file, a file that is not JSON, or no --scenario', async () => {
    const notJson = join(scratch, 'x.json');
    writeFileSync(notJson, '{ intervals: ');
    expect(await run(['--scenario', join(scratch, 'missing.json')])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/SIM\.SCENARIO_UNREADABLE/),
    });
    expect(await run(['--scenario', notJson])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/SIM\.SCENARIO_NOT_JSON/),
    });
    expect(await run([])).toMatchObject({ code: 2, err: expect.stringMatching(/--scenario is required/) });
    expect(await run(['--scenario', FIXTURE, '--seed', 'x'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/CLI\.NOT_A_NUMBER/),
    });
  });

  it('prints its help with exit code 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: switchboard-sim run --scenario <file\.json>/);
  });
});
