// `npm run bench -- inbound`: the inbound voice path of the real server process (`npm start`'s
// main.ts with its demo shop), driven over SIP and RTP on loopback.
//  1. Calls per second into the IVR: callers dial 4008001234 at rising rates; each call counts when
//     the welcome prompt's first audible RTP packet arrives and the call ends with a 200 to its BYE.
//     The figure is the highest rate sustained with < 0.1% failures and the first prompt heard
//     within FIRST_PROMPT_LIMIT_MS at p99, with its INVITE → first prompt audio p50/p99. Calls the
//     server turns away with 503 while it is overloaded (ADR 0011) fail the rate too, and are
//     printed apart as `shed`.
//  2. A flood: one step at twice the highest sustained rate (a TV spot's number on screen). It
//     prints how many calls per second were served, how many were shed with 503, and the first
//     prompt p99 of those served: overload control (ADR 0011) should keep the served near the
//     sustained rate and their prompt in time, rather than every caller waiting seconds.
//  3. Ready to offer: VIP callers (the demo flow sends them straight to pre-sales) wait in the
//     queue while the pre-sales agents' phones are registered; each agent in turn goes ready over
//     HTTP and the time until its phone receives the INVITE is one sample. The phone answers, hangs
//     up shortly after, the agent completes wrap-up and goes ready again.
// Ends with `inbound: cps=… first_prompt_p99_ms=… flood_served_cps=… ready_to_offer_p99_ms=…`.
// Bounded: fixed rates and durations, fixed sample count, every process killed at the end.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer, waitForHealth } from '../apps/server/test/support/server-process';
import { AgentPhone, placeCall, SipSocket, type CallResult } from './inbound-peers';
import { cpuMicros, loadAverage, processTree } from './sip-bench-processes';
import { pollUntil } from '../apps/server/test/support/poll-until';

const HOTLINE = '4008001234';
const VIP = '13912345678';
const RATES = (process.env.INBOUND_RATES ?? '10,40,100,150,250,350,450,550,650,750,850')
  .split(',')
  .map(Number);
const STEP_MS = 5_000;
/**
 * Past this, a rate is not sustained even when every call completes: the caller hears dead air
 * after the ring, and a p99 this late means the server's backlog grows through the step.
 */
const FIRST_PROMPT_LIMIT_MS = 1_000;
const HOLD_MS = 500;
const PRESALES = [
  { username: 'agent1', extension: '1001' },
  { username: 'agent2', extension: '1002' },
  { username: 'agent5', extension: '1005' },
];
const OFFER_SAMPLES = 60;

const quantile = (xs: readonly number[], q: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

/** A logged-in HTTP client of the server (cookie session). */
async function login(
  base: string,
  username: string,
  password: string,
): Promise<(path: string, body?: object) => Promise<unknown>> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'demo', username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return async (path, body) => {
    const r = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
}

/** Polls the agent's own state until its voice channel is in wrap-up (bounded). */
async function inWrapUp(agent: (path: string) => Promise<unknown>): Promise<void> {
  let state: { channels: { status: string }[] } = { channels: [] };
  await pollUntil(
    async () => {
      state = (await agent('/api/v1/agent/state')) as typeof state;
      return state.channels.some((c) => c.status === 'wrap-up');
    },
    { timeoutMs: 10_000, what: 'the agent in wrap-up', every: 20, detail: () => JSON.stringify(state) },
  );
}

/** One rate step: calls placed evenly for STEP_MS, then every call awaited. */
/** Calls turned away at the door (overload guard): not served, but not served badly either. */
const shedCount = (results: readonly CallResult[]): number =>
  results.filter((r) => r.why === 'INVITE 503').length;

/** INVITE → first audible prompt packet of the calls that heard one. */
const firstAudioMs = (results: readonly CallResult[]): number[] =>
  results.flatMap((r) => (r.firstAudioMs === undefined ? [] : [r.firstAudioMs]));

async function step(sip: SipSocket, rate: number): Promise<{ results: CallResult[]; wallS: number }> {
  const calls: Promise<CallResult>[] = [];
  const total = Math.round((rate * STEP_MS) / 1000);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const caller = `138${String(10_000_000 + ((rate * 1000 + i) % 90_000_000)).padStart(8, '0')}`;
    calls.push(placeCall(sip, { dialed: HOTLINE, caller, holdMs: HOLD_MS, timeoutMs: 10_000 }));
  }
  const wallS = (performance.now() - started) / 1000;
  return { results: await Promise.all(calls), wallS };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-inbound-bench-'));
  const httpPort = await freePort();
  const sipPort = await freePort();
  const base = `http://127.0.0.1:${httpPort}`;
  const server = startServer(
    [
      '--http-port',
      String(httpPort),
      '--sip-port',
      String(sipPort),
      '--sip-host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
      // The callers stand for a carrier's trunk: one source, exempt from per-source rate limits.
      '--sip-trusted-addresses',
      '127.0.0.1',
      // Measured at any hour: the demo hotline otherwise takes voicemail after 21:00 Shanghai time.
      '--demo-hours',
      'always',
    ],
    { LOG_LEVEL: 'warn', NODE_OPTIONS: '--max-semi-space-size=64' },
  );
  const phones: AgentPhone[] = [];
  const sip = await SipSocket.open(sipPort);
  try {
    await waitForHealth(base, server, 90_000);
    const pids = processTree(server.child.pid!);
    // Warm-up: the first call synthesizes the welcome prompt (espeak-ng, then cached).
    const warm = await placeCall(sip, {
      dialed: HOTLINE,
      caller: '13800138000',
      holdMs: HOLD_MS,
      timeoutMs: 30_000,
    });
    if (!warm.ok) throw new Error(`warm-up call failed: ${warm.why}`);

    let best: { rate: number; p50: number; p99: number; usPerCall: number } | undefined;
    for (const rate of RATES) {
      const cpu0 = cpuMicros(pids);
      const { results, wallS } = await step(sip, rate);
      const cpu = cpuMicros(pids) - cpu0;
      const failed = results.filter((r) => !r.ok);
      const shed = shedCount(results);
      const audio = firstAudioMs(results);
      const achieved = results.length / wallS;
      const firstPackets = results.flatMap((r) => (r.firstPacketMs === undefined ? [] : [r.firstPacketMs]));
      const p50 = quantile(audio, 0.5);
      const p99 = quantile(audio, 0.99);
      const usPerCall = cpu / results.length;
      const why = [...new Set(failed.map((r) => r.why))].join(', ');
      console.log(
        `rate ${rate}/s: calls=${results.length} failed=${failed.length}${why ? ` (${why})` : ''} shed=${shed} achieved=${f1(achieved)}/s ` +
          `first_prompt p50=${f1(p50)} ms p99=${f1(p99)} ms (first RTP p50=${f1(quantile(firstPackets, 0.5))} ms) server_cpu=${usPerCall.toFixed(0)} µs/call load=${loadAverage()}`,
      );
      if (failed.length > 0) {
        const metrics = await (await fetch(`${base}/metrics`)).text();
        console.log(
          metrics
            .split('\n')
            .filter((l) => /dropped|parse_errors|in_flight|503/.test(l) && !l.startsWith('#'))
            .join('\n'),
        );
      }
      if (failed.length > results.length * 0.001 || achieved < rate * 0.95 || !(p99 <= FIRST_PROMPT_LIMIT_MS))
        break;
      best = { rate, p50, p99, usPerCall };
    }

    // A flood at twice what was sustained.
    const floodRate = 2 * (best?.rate ?? RATES[0]!);
    const flood = await step(sip, floodRate);
    const served = flood.results.filter((r) => r.ok);
    const floodShed = shedCount(flood.results);
    const servedCps = served.length / flood.wallS;
    const floodP99 = quantile(firstAudioMs(served), 0.99);
    console.log(
      `flood ${floodRate}/s: served=${served.length} (${f1(servedCps)}/s) shed=${floodShed} ` +
        `failed=${flood.results.length - served.length - floodShed} first_prompt p99=${f1(floodP99)} ms (served calls)`,
    );

    // Ready to offer.
    const supervisor = await login(base, 'supervisor', 'demo-supervisor');
    const agents = await Promise.all(PRESALES.map((a) => login(base, a.username, 'demo-agent')));
    for (const a of PRESALES) {
      const phone = await AgentPhone.open(sipPort, a.extension, 100);
      await phone.register('demo-phone');
      phones.push(phone);
    }
    for (const agent of agents) await agent('/api/v1/agent/login', {});
    const waitingCallers: Promise<CallResult>[] = [];
    for (let i = 0; i < OFFER_SAMPLES; i++) {
      waitingCallers.push(
        placeCall(sip, { dialed: HOTLINE, caller: VIP, holdMs: 0, timeoutMs: 120_000, untilReleased: true }),
      );
    }
    const queued = async (): Promise<number> => {
      const lines = (await supervisor('/api/v1/stats/queues')) as { name: string; waiting: number }[];
      return lines.reduce((n, l) => n + l.waiting, 0);
    };
    const deadline = performance.now() + 60_000;
    while ((await queued()) < OFFER_SAMPLES && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    console.log(`queued callers: ${await queued()} of ${OFFER_SAMPLES}`);
    const samples: number[] = [];
    for (let i = 0; i < OFFER_SAMPLES; i++) {
      const k = i % PRESALES.length;
      const phone = phones[k]!;
      const offered = phone.nextOffer(10_000);
      const t0 = performance.now();
      await agents[k]!('/api/v1/agent/ready', {});
      const at = await offered.catch(async (e: unknown) => {
        console.error(JSON.stringify(await agents[k]!('/api/v1/agent/state')));
        console.error(JSON.stringify(await supervisor('/api/v1/stats/queues')));
        console.error(server.stdout().slice(-3000));
        throw e;
      });
      samples.push(at - t0);
      // The phone hangs up after 100 ms: once the agent is in wrap-up, end it and step out.
      await inWrapUp(agents[k]!);
      // Not ready first: ending wrap-up returns a ready agent straight to the waiting callers.
      await agents[k]!('/api/v1/agent/not-ready', { reason: 'break' });
      await agents[k]!('/api/v1/agent/wrap-up/complete', { dispositionCode: 'bench' });
    }
    await Promise.all(waitingCallers);
    const r50 = quantile(samples, 0.5);
    const r99 = quantile(samples, 0.99);
    console.log(`ready to offer: samples=${samples.length} p50=${f1(r50)} ms p99=${f1(r99)} ms`);
    const rss = processTree(server.child.pid!).reduce(
      (kib, pid) =>
        kib + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0),
      0,
    );
    console.log(`server rss=${(rss / 1024).toFixed(0)} MiB load=${loadAverage()}`);
    console.log(
      `inbound: cps=${best?.rate ?? 0} first_prompt_p50_ms=${f1(best?.p50 ?? NaN)} first_prompt_p99_ms=${f1(best?.p99 ?? NaN)} ` +
        `flood_rate=${floodRate} flood_served_cps=${f1(servedCps)} flood_first_prompt_p99_ms=${f1(floodP99)} ` +
        `ready_to_offer_p50_ms=${f1(r50)} ready_to_offer_p99_ms=${f1(r99)} us_per_call=${(best?.usPerCall ?? 0).toFixed(0)}`,
    );
  } finally {
    for (const p of phones) p.close();
    sip.close();
    server.child.kill('SIGTERM');
    await Promise.race([server.exited, new Promise((r) => setTimeout(r, 10_000))]);
    server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
