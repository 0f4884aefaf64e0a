// SIP calls per second on loopback, measured with sipp's built-in scenarios:
// - uas_cps: sipp uac → Switchboard answering directly (the answer test number, no media);
// - kamailio_cps: sipp uac → Kamailio stateful proxy (bench/kamailio/kamailio.cfg) → sipp uas, the
//   reference measured in the same run;
// - b2bua_cps: sipp uac → Switchboard B2BUA (the calls layer bridging each call to a new leg) →
//   sipp uas; n/a when the calls layer (apps/server/src/calls/index.ts) is absent or fails to start.
// Each figure is the highest rate of a bounded ladder at which every call completed in time with
// fewer than 0.1% failures. Also: server CPU µs per call (from /proc at the best rate) and memory per
// established call (N calls held open, RSS delta after GC). Everything binds 127.0.0.1, every run is
// bounded, and the whole benchmark stays under 4 minutes. `npm run bench -- sip` installs Kamailio
// first (scripts/install-test-peers.sh --bench); `npx tsx bench/sip.bench.ts` runs it directly.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  clockTicksPerSecond,
  cpuMicros,
  freeUdpPort,
  loadAverage,
  processTree,
  runSipp,
  startProcess,
  type Child,
} from './sip-bench-processes';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const SIPP = '/usr/bin/sipp';
const KAMAILIO = '/usr/sbin/kamailio';
const NUMBER = '9196';
const STEP_SECONDS = 3;
const RATES = [100, 200, 300, 450, 650, 900, 1200, 1600, 2100, 2800, 3600, 4500];
const HELD_CALLS = 2000;
const DEADLINE = performance.now() + 220_000;
// The young-generation size `npm start` gives the server (ADR 0005), passed on from this process's
// own flags (`npm run bench` sets them) or the default when run directly: the server measured is the
// server deployed, not one that scavenges several times as often.
const SERVER_V8_FLAGS = process.execArgv.filter((a) => a.startsWith('--max-semi-space-size='));
if (SERVER_V8_FLAGS.length === 0) SERVER_V8_FLAGS.push('--max-semi-space-size=64');
const work = mkdtempSync(join(tmpdir(), 'switchboard-sip-bench-'));
const children: Child[] = [];
process.on('exit', () => {
  for (const c of children) c.kill();
  rmSync(work, { recursive: true, force: true });
});

interface Ladder {
  readonly cps: number;
  readonly usPerCall: number | undefined;
}

/** Runs `calls` built-in uac calls at `rate` against `port`; true when they all fit the bar. */
async function step(port: number, rate: number, cpuPids: () => number[]) {
  const calls = Math.max(200, rate * STEP_SECONDS);
  const budget = calls / rate;
  const cpuBefore = cpuMicros(cpuPids());
  const started = performance.now();
  const r = await runSipp(
    SIPP,
    [`127.0.0.1:${port}`, '-sn', 'uac', '-s', NUMBER, '-r', String(rate), '-m', String(calls)],
    { cwd: work, limit: rate * 2, timeoutSeconds: Math.ceil(budget * 1.5 + 3) },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuMicros(cpuPids()) - cpuBefore;
  const failures = calls - r.successful;
  // Sustained: every call but 0.1% completed, at 90% of the offered rate or better (0.2 s for sipp
  // to start and stop). A server falling behind shows up as time, not failures: sipp retransmits.
  const ok = failures <= calls * 0.001 && seconds - 0.2 <= budget / 0.9;
  const usPerCall = r.successful > 0 ? cpu / r.successful : undefined;
  console.log(
    `  ${String(rate).padStart(5)} cps × ${calls}: ${r.successful} ok, ${r.failed} failed, ` +
      `${r.retransmissions} retrans, ${seconds.toFixed(1)} s (budget ${budget.toFixed(1)} s)` +
      `${usPerCall === undefined ? '' : `, ${usPerCall.toFixed(0)} µs CPU/call`} ${ok ? 'pass' : 'FAIL'}`,
  );
  return { ok, usPerCall };
}

/**
 * Climbs the rate ladder until a step fails (or time runs short), then tries once halfway between
 * the last passing and the failing rate; the highest passing rate wins.
 */
async function ladder(label: string, port: number, cpuPids: () => number[]): Promise<Ladder> {
  console.log(`${label}:`);
  let best: Ladder = { cps: 0, usPerCall: undefined };
  let failed: number | undefined;
  for (const rate of RATES) {
    if (!timeLeft()) break;
    const s = await step(port, rate, cpuPids);
    if (!s.ok) {
      failed = rate;
      break;
    }
    best = { cps: rate, usPerCall: s.usPerCall };
    // Let the last step's calls and retransmissions drain before the next, faster one.
    await sleep(500);
  }
  const middle = failed === undefined ? 0 : Math.round((best.cps + failed) / 100) * 50;
  if (failed !== undefined && middle > best.cps && middle < failed && timeLeft()) {
    await sleep(1000);
    const s = await step(port, middle, cpuPids);
    if (s.ok) best = { cps: middle, usPerCall: s.usPerCall };
  }
  return best;
}

/** Whether one more step (at most its sipp timeout) fits before the deadline. */
function timeLeft(): boolean {
  if (performance.now() + (STEP_SECONDS * 1.5 + 8) * 1000 <= DEADLINE) return true;
  console.log('  (time budget reached; stopping the ladder)');
  return false;
}

/** A fresh Switchboard SIP process; resolves once it is listening, undefined when it failed to. */
async function startSwitchboard(b2buaTarget?: number): Promise<{ child: Child; udp: number } | undefined> {
  const env: NodeJS.ProcessEnv = { ...process.env, SIP_BENCH_NUMBER: NUMBER };
  if (b2buaTarget !== undefined) env.SIP_BENCH_B2BUA_TARGET = String(b2buaTarget);
  const child = startProcess(
    process.execPath,
    [...SERVER_V8_FLAGS, '--expose-gc', '--import', 'tsx', join(ROOT, 'bench/sip-bench-server.ts')],
    { cwd: ROOT, env },
  );
  children.push(child);
  const ready = await child.line(/^READY udp=(\d+)/, 30_000);
  if (ready !== undefined) return { child, udp: Number(ready[1]) };
  console.log(`Switchboard did not start:\n${child.output().slice(-2000)}`);
  child.kill();
  return undefined;
}

/** A sipp uas on a free loopback port, callee of the B2BUA and of Kamailio. */
async function startUas(): Promise<{ child: Child; port: number }> {
  const port = await freeUdpPort();
  const child = startProcess(
    SIPP,
    ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-t', 'u1', '-nostdin', '-timeout', '200s'].concat([
      '-buff_size',
      String(4 << 20),
    ]),
    { cwd: work, discardOutput: true },
  );
  children.push(child);
  await sleep(300);
  return { child, port };
}

/** The B2BUA: Switchboard's calls layer bridging every call to the uas. */
async function b2buaFigure(): Promise<Ladder | undefined> {
  if (!existsSync(join(ROOT, 'apps/server/src/calls/index.ts'))) {
    console.log('b2bua: the calls layer has not landed (no apps/server/src/calls/index.ts)');
    return undefined;
  }
  const uas = await startUas();
  const server = await startSwitchboard(uas.port);
  if (server === undefined) {
    uas.child.kill();
    return undefined;
  }
  const result = await ladder('sipp uac → Switchboard B2BUA → sipp uas', server.udp, () => [
    server.child.pid,
  ]);
  server.child.kill();
  uas.child.kill();
  return result;
}

/** Memory per established call: RSS and heap after GC, before and with HELD_CALLS calls in pause. */
async function memoryPerCall(): Promise<{ rss: number; heap: number } | undefined> {
  const started = await startSwitchboard();
  if (started === undefined) return undefined;
  const { child, udp } = started;
  // Warm the JIT and the allocator first, so the delta is the calls and not the code.
  await runSipp(SIPP, [`127.0.0.1:${udp}`, '-sn', 'uac', '-s', NUMBER, '-r', '500', '-m', '1000'], {
    cwd: work,
    limit: 1000,
    timeoutSeconds: 20,
  });
  const mem = async () => {
    child.write('mem\n');
    const m = await child.line(/^MEM rss=(\d+) heap=(\d+) dialogs=(\d+)/, 10_000, true);
    return m === undefined ? undefined : { rss: Number(m[1]), heap: Number(m[2]), dialogs: Number(m[3]) };
  };
  const before = await mem();
  const holder = startProcess(
    SIPP,
    [`127.0.0.1:${udp}`, '-sn', 'uac', '-s', NUMBER, '-r', '1000', '-m', String(HELD_CALLS)]
      .concat(['-l', String(HELD_CALLS), '-d', '60000', '-i', '127.0.0.1', '-p', '0', '-t', 'u1'])
      .concat(['-nostdin', '-timeout', '90s']),
    { cwd: work },
  );
  children.push(holder);
  let during = await mem();
  for (let i = 0; i < 20 && (during?.dialogs ?? 0) < HELD_CALLS; i++) {
    await sleep(500);
    during = await mem();
  }
  holder.kill();
  child.kill();
  if (before === undefined || during === undefined || during.dialogs < HELD_CALLS * 0.99) return undefined;
  const n = during.dialogs - before.dialogs;
  console.log(`memory: ${n} established calls held, RSS ${mb(before.rss)} → ${mb(during.rss)} MB`);
  return { rss: (during.rss - before.rss) / n, heap: (during.heap - before.heap) / n };
}

/** Kamailio relaying to a sipp uas; the ladder runs against it like against Switchboard. */
async function kamailioReference(): Promise<Ladder | undefined> {
  if (!existsSync(KAMAILIO)) {
    console.log('kamailio: not installed (npm run bench -- sip installs it); kamailio_cps=n/a');
    return undefined;
  }
  const { child: uas, port: uasPort } = await startUas();
  const kamPort = await freeUdpPort();
  const kamDir = mkdtempSync(join(work, 'kamailio-'));
  const kam = startProcess(
    KAMAILIO,
    ['-f', join(ROOT, 'bench/kamailio/kamailio.cfg'), '-DD', '-E', '-m', '512']
      .concat(['-P', join(kamDir, 'kamailio.pid')])
      .concat(['-w', kamDir, '-A', `LISTEN=udp:127.0.0.1:${kamPort}`, '-A', `UAS_PORT="${uasPort}"`]),
    { cwd: kamDir },
  );
  children.push(kam);
  if ((await kam.line(/Listening on/, 10_000)) === undefined) {
    console.log(`kamailio did not start:\n${kam.output()}`);
    return undefined;
  }
  await sleep(500);
  const result = await ladder('sipp uac → kamailio (stateful proxy) → sipp uas', kamPort, () =>
    processTree(kam.pid),
  );
  kam.kill();
  uas.kill();
  return result;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
const fmt = (n: number | undefined, digits = 0) => (n === undefined ? 'n/a' : n.toFixed(digits));

console.log(`load average before: ${loadAverage()} (${clockTicksPerSecond()} CPU ticks/s in /proc)`);
const memory = await memoryPerCall();
const server = await startSwitchboard();
if (server === undefined) process.exit(1);
const uas = await ladder('sipp uac → Switchboard answering directly', server.udp, () => [server.child.pid]);
server.child.kill();
await sleep(500);
const kamailio = await kamailioReference();
await sleep(500);
const b2bua = await b2buaFigure();
const best = b2bua ?? uas;
const basis =
  b2bua === undefined ? 'uas_cps / kamailio_cps, since b2bua_cps is n/a' : 'b2bua_cps / kamailio_cps';
const ratio = kamailio === undefined || kamailio.cps === 0 ? undefined : best.cps / kamailio.cps;
const perCall =
  memory === undefined
    ? 'n/a'
    : `${(memory.rss / 1024).toFixed(1)} KiB RSS, ${(memory.heap / 1024).toFixed(1)} KiB heap`;
console.log(`load average after: ${loadAverage()}`);
console.log(`ladder           ${RATES.join(', ')} calls/s, ${STEP_SECONDS} s per step`);
console.log(`uas_cps          ${uas.cps} calls/s, ${fmt(uas.usPerCall)} µs Switchboard CPU per call`);
console.log(`kamailio_cps     ${fmt(kamailio?.cps)} calls/s, ${fmt(kamailio?.usPerCall)} µs CPU per call`);
console.log(
  `b2bua_cps        ${fmt(b2bua?.cps)} calls/s, ${fmt(b2bua?.usPerCall)} µs Switchboard CPU per call`,
);
console.log(`ratio            ${fmt(ratio, 2)} = ${basis} (goal for the B2BUA: ≥ 0.75)`);
console.log(
  `us_per_call      ${fmt(best.usPerCall)} µs (${b2bua === undefined ? 'uas' : 'b2bua'}, at its best rate)`,
);
console.log(`memory per call  ${perCall} (calls answered directly, ${HELD_CALLS} held established)`);
console.log(
  `sip: b2bua_cps=${fmt(b2bua?.cps)} uas_cps=${uas.cps} kamailio_cps=${fmt(kamailio?.cps)} ratio=${fmt(ratio, 2)} us_per_call=${fmt(best.usPerCall)}`,
);
process.exit(0);
