/**
 * Runs sipp (Debian `sip-tester`) against the server with one of our XML scenarios from
 * `apps/server/src/telephony/fixtures/sipp/`, and reports how many calls succeeded and failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary, startPeer } from './peer-process';

export const SIPP = '/usr/bin/sipp';
const SCENARIOS = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../src/telephony/fixtures/sipp');

export interface SippRun {
  readonly scenario: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  /** Calls to run (each a scenario pass); default 1. */
  readonly calls?: number;
  /** Extra arguments (`-au`, `-ap`, `-key`, `-s`). */
  readonly args?: readonly string[];
  readonly timeoutMs?: number;
}

export interface SippResult {
  readonly exitCode: number | null;
  readonly successful: number;
  readonly failed: number;
  readonly output: string;
}

/** Runs a scenario to completion (sipp exits 0 when every call succeeded). */
export async function runSipp(run: SippRun): Promise<SippResult> {
  requireBinary(SIPP, 'sip-tester');
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-sipp-'));
  const calls = run.calls ?? 1;
  const peer = startPeer(
    SIPP,
    [
      `127.0.0.1:${run.port}`,
      '-sf',
      join(SCENARIOS, run.scenario),
      '-t',
      run.transport === 'udp' ? 'u1' : 't1',
      '-i',
      '127.0.0.1',
      '-p',
      '0',
      '-m',
      String(calls),
      '-r',
      '50',
      // One call at a time: the register scenario ends by removing every binding of its user.
      '-l',
      '1',
      '-timeout',
      `${Math.ceil((run.timeoutMs ?? 20_000) / 1000)}s`,
      '-timeout_error',
      '-max_recv_loops',
      '1000',
      '-nostdin',
      '-trace_stat',
      '-trace_err',
      '-stf',
      join(dir, 'stat.csv'),
      '-error_file',
      join(dir, 'errors.log'),
      ...(run.args ?? []),
    ],
    { cwd: dir },
  );
  try {
    const exitCode = await peer.exited((run.timeoutMs ?? 20_000) + 10_000);
    const output = peer.output();
    return {
      exitCode,
      successful: counter(output, 'Successful call'),
      failed: counter(output, 'Failed call'),
      output,
    };
  } finally {
    await peer.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads a row of sipp's final statistics screen (`Successful call | 0 | 3`): the cumulative column. */
function counter(output: string, row: string): number {
  const m = output.match(new RegExp(`${row}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`));
  return m ? Number(m[1]) : 0;
}
