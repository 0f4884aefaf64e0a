// The SIP side of Switchboard alone, for bench/sip.bench.ts: telephony on 127.0.0.1 with the answer
// test number enabled and the per-source limits lifted (sipp sends everything from one port), no
// database behind the registrar. With SIP_BENCH_B2BUA_TARGET=<port> the B2BUA call-control layer
// owns the calls instead: every INVITE becomes a leg bridged to a new leg towards
// sip:uas@127.0.0.1:<port>, the inbound leg answered when that one answers (media in memory).
// Prints `READY udp=<port> tcp=<port>`; on a `mem` line from stdin it collects garbage (when run
// with --expose-gc) and prints `MEM rss=<bytes> heap=<bytes> dialogs=<n>`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openDatabase } from '../apps/server/src/store/database';
import { systemTimers } from '../apps/server/src/telephony/sip-timers';
import { createTelephony } from '../apps/server/src/telephony/telephony';

const ANSWER_NUMBER = process.env.SIP_BENCH_NUMBER ?? '9196';
const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sip-bench-'));
const database = await openDatabase({ dataDir });
const quiet = (): void => undefined;
const telephony = createTelephony({
  sip: {
    host: '127.0.0.1',
    port: 0,
    tlsPort: 0,
    tlsCert: undefined,
    tlsKey: undefined,
    realm: 'switchboard',
    digestAlgorithms: ['MD5'],
    nonceSecret: 'bench-nonce-secret-0123456789',
    rateLimitPerSecond: 1_000_000,
    rateLimitBurst: 1_000_000,
    banAfterAuthFailures: 1_000_000,
    banSeconds: 1,
    dropScanners: false,
    answerTestNumber: ANSWER_NUMBER,
  },
  database,
  clock: { now: () => Date.now() },
  logger: { info: quiet, warn: quiet, error: (o, m) => console.error(m, o) },
  credentials: { find: () => Promise.resolve(undefined), activeAors: () => Promise.resolve(new Set()) },
  limits: { maxInFlightPerSource: 1_000_000 },
  maxServerTransactionsPerSource: 10_000_000,
});
const b2buaTarget = process.env.SIP_BENCH_B2BUA_TARGET;
let dialogs = (): number => telephony.userAgent.dialogs.size;
if (b2buaTarget !== undefined) dialogs = await attachB2bua(Number(b2buaTarget));
const ports = await telephony.start();
console.log(`READY udp=${ports.udp} tcp=${ports.tcp}`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'mem') return;
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  console.log(`MEM rss=${m.rss} heap=${m.heapUsed} dialogs=${dialogs()}`);
});

async function stop(): Promise<void> {
  await telephony.stop();
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());

/** Call control bridging each inbound call to the uas; returns its dialog count. */
async function attachB2bua(uasPort: number): Promise<() => number> {
  const { InMemoryMedia } = await import('../apps/server/src/calls/index');
  const { attachCallControl } = await import('../apps/server/src/telephony/attach-call-control');
  let next = 0;
  const control = attachCallControl(telephony, {
    // Lifted as for telephony's own core: sipp sends from one port.
    maxServerTransactionsPerSource: 10_000_000,
    clock: { now: () => Date.now() },
    timers: systemTimers,
    ids: { next: () => `leg-${++next}` },
    media: new InMemoryMedia({ address: '127.0.0.1' }),
    inbound: {
      offer: (offer: { legId: string }) => {
        void bridgeToUas(offer.legId);
        return { action: 'defer' as const };
      },
    },
  });
  const bridgeToUas = async (caller: string): Promise<void> => {
    const out = await control.execute({
      type: 'Originate',
      request: { targets: [{ uri: `sip:uas@127.0.0.1:${uasPort}` }], callerId: { number: 'bench' } },
    });
    if (out.ok && out.value.legId !== undefined) {
      await control.execute({ type: 'Bridge', legIds: [caller, out.value.legId] });
    } else {
      await control.execute({ type: 'RejectInbound', legId: caller, status: 503 });
    }
  };
  return () => control.core.dialogs.size;
}
