/**
 * The demo hotline on the real server process: a sipp caller dials 4008001234 over UDP, is
 * answered with our RTP media, hears the welcome prompt (synthesized by espeak-ng on first use)
 * and hangs up; the call's timeline lands in the event log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { readEventLog } from '../../test/support/event-log';
import { pollUntil } from '../../test/support/poll-until';
import { freePort, startServer, waitForHealth, type Running } from '../../test/support/server-process';
import { runSipp } from '../../test/support/sipp';

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-hotline-'));

/** Event types in the log, in order (read-only: the server still owns the file). */
function eventTypes(): string[] {
  return readEventLog(join(dataDir, 'switchboard.db')).map((e) => e.type);
}

/** Polls the event log until `type` appears or the deadline passes. */
async function waitForEvent(type: string, deadlineMs = 10_000): Promise<string[]> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    const types = eventTypes();
    if (types.includes(type) || performance.now() > deadline) return types;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the demo hotline on the live server', () => {
  let server: Running;
  let sipPort: number;
  let httpPort: number;

  beforeAll(async () => {
    httpPort = await freePort();
    sipPort = await freePort();
    server = startServer([
      '--http-port',
      String(httpPort),
      '--sip-port',
      String(sipPort),
      '--sip-host',
      '127.0.0.1',
      '--sip-answer-test-number',
      '9196',
      '--data-dir',
      dataDir,
      // The flow after the welcome depends on the hour; the test must not.
      '--demo-hours',
      'always',
    ]);
    await waitForHealth(`http://127.0.0.1:${httpPort}`, server);
  }, 60_000);

  afterAll(async () => {
    server.child.kill('SIGTERM');
    const code = await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(0);
  });

  it('answers 4008001234, plays the welcome over RTP and ends the call cleanly on BYE', async () => {
    const caller = await RtpTestPeer.open();
    try {
      const call = runSipp({
        scenario: 'hotline-welcome.xml',
        port: sipPort,
        transport: 'udp',
        args: ['-s', '4008001234', '-key', 'rtp_port', String(caller.address.port)],
        timeoutMs: 30_000,
      });
      // First use renders the welcome with espeak-ng and sox before it plays: allow for it.
      await caller.waitForRtp(25, 15_000);
      const result = await call;
      expect(result.successful, result.output).toBe(1);
      expect(result.exitCode).toBe(0);
      expect(caller.rtp.every((p) => p.payloadType === 0)).toBe(true);
      const types = await waitForEvent('CallEnded');
      expect(types).toEqual(
        expect.arrayContaining(['CallArrived', 'IvrStarted', 'IvrNodeEntered', 'CallEnded']),
      );
      expect(types.indexOf('CallArrived')).toBeLessThan(types.indexOf('CallEnded'));
    } finally {
      caller.close();
    }
  }, 60_000);

  it('shows what each media thread holds on /metrics: nothing once the calls are over', async () => {
    // The live default: one media worker per core but one, beside the media in process.
    const threads = ['main', ...(availableParallelism() > 1 ? ['0'] : [])];
    const gauges = ['media_legs', 'media_ticker_subscribers', 'media_port_pairs'];
    const expected = gauges.flatMap((name) => threads.map((thread) => `${name}{thread="${thread}"} 0`));
    let last = '';
    await pollUntil(
      async () => {
        last = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
        const lines = last.split('\n').filter((line) => gauges.some((name) => line.startsWith(`${name}{`)));
        return expected.every((line) => lines.includes(line)) && lines.length === expected.length;
      },
      { timeoutMs: 10_000, what: 'idle media gauges', detail: () => last },
    );
  });

  it('still answers the answer test number by itself once call control owns the calls', async () => {
    const result = await runSipp({
      scenario: 'invite-answer-bye.xml',
      port: sipPort,
      transport: 'udp',
      args: ['-s', '9196'],
    });
    expect(result.successful, result.output).toBe(1);
  }, 40_000);
});
