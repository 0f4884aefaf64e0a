// SIP message parse + serialize throughput over the wire fixtures of packages/sip (a trunk INVITE with
// SDP, its 200 OK, a digest REGISTER, a compact BYE). Prints msgs/s and per-message latency, then one
// summary line. Runs in a few seconds: `npx tsx bench/sip-parse.bench.ts`.
import { readFileSync } from 'node:fs';
import { parseMessage, serializeMessage, type SipMessage } from '../packages/sip/src/index';

const NAMES = ['invite-trunk', 'response-200-invite', 'register-digest', 'bye-compact'];
const messages = NAMES.map(
  (n) => new Uint8Array(readFileSync(new URL(`../packages/sip/fixtures/${n}.sip`, import.meta.url))),
);
const parsed: SipMessage[] = messages.map((m) => {
  const r = parseMessage(m);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
});

function throughput(label: string, budgetMs: number, op: (i: number) => void): number {
  for (let i = 0; i < 20_000; i++) op(i); // warm up the JIT
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let k = 0; k < 1000; k++) op(n++);
    elapsed = performance.now() - start;
  }
  const perSec = Math.round((n / elapsed) * 1000);
  console.log(`${label.padEnd(22)} ${perSec.toLocaleString('en-US').padStart(12)} msgs/s`);
  return perSec;
}

let sink = 0;
const parsePerSec = throughput('parse', 3000, (i) => {
  const r = parseMessage(messages[i % messages.length] as Uint8Array);
  sink += r.ok ? 1 : 0;
});
const serializePerSec = throughput('serialize', 3000, (i) => {
  sink += serializeMessage(parsed[i % parsed.length] as SipMessage).length;
});
const roundTripPerSec = throughput('parse + serialize', 3000, (i) => {
  const r = parseMessage(messages[i % messages.length] as Uint8Array);
  if (r.ok) sink += serializeMessage(r.value).length;
});

// Latency of one parse + serialize, sampled individually.
const samples = new Float64Array(100_000);
for (let i = 0; i < samples.length; i++) {
  const t0 = process.hrtime.bigint();
  const r = parseMessage(messages[i % messages.length] as Uint8Array);
  if (r.ok) sink += serializeMessage(r.value).length;
  samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
}
samples.sort();
const pct = (p: number): number =>
  samples[Math.min(samples.length - 1, Math.floor(samples.length * p))] as number;
const p50 = pct(0.5);
const p99 = pct(0.99);
console.log(`parse+serialize latency   p50 ${p50.toFixed(2)} µs   p99 ${p99.toFixed(2)} µs`);
console.log(
  `messages: ${NAMES.join(', ')} (mean ${Math.round(messages.reduce((s, m) => s + m.length, 0) / messages.length)} B)`,
);
if (sink === 0) console.log('');
console.log(
  `sip-parse: parse_per_s=${parsePerSec} serialize_per_s=${serializePerSec} roundtrip_per_s=${roundTripPerSec} p50_us=${p50.toFixed(2)} p99_us=${p99.toFixed(2)}`,
);
