/**
 * What each caller of `hotline-callers.csv` does and where the demo flow should send them, and the
 * lines the sipp scenarios log per call (`-trace_logs`), read back by kind.
 */
import { readFileSync } from 'node:fs';

/** How a caller sends the menu key: not at all (VIP), SIP INFO, or RFC 4733 events from a pcap. */
export type KeyMode = 'none' | 'info' | 'rtp2' | 'rtp3';

/** One line of the callers' CSV. */
export interface PlannedCaller {
  readonly number: string;
  readonly keyMode: KeyMode;
  readonly key: string | undefined;
  readonly patienceMs: number;
  /** The demo flow's queue for this caller: VIPs and keys 2 and 0 go to pre-sales, 3 to after-sales. */
  readonly queue: 'pre-sales' | 'after-sales';
}

/** The callers in CSV order (sipp reads the file sequentially: call N takes line N). */
export function readCallerPlan(csvFile: string): PlannedCaller[] {
  const lines = readFileSync(csvFile, 'utf8').trim().split('\n');
  if (lines[0] !== 'SEQUENTIAL') throw new Error(`${csvFile}: sipp must read it SEQUENTIAL`);
  return lines.slice(1).map((line) => {
    const [number = '', mode = '', key = '', patience = ''] = line.split(';');
    const keyMode = mode as KeyMode;
    const pressed = keyMode === 'none' ? undefined : key;
    return {
      number,
      keyMode,
      key: pressed,
      patienceMs: Number(patience),
      queue: pressed === '3' ? 'after-sales' : 'pre-sales',
    };
  });
}

/** The sipp call number in a Call-ID (`sipp-<hex>-12@…` from `-cid_str`, or sipp's own `12-<pid>@…`). */
export function callNumberOf(callId: string): number {
  const m = /-(\d+)@/.exec(callId) ?? /^(\d+)-/.exec(callId);
  if (m === null) throw new Error(`no sipp call number in Call-ID ${callId}`);
  return Number(m[1]);
}

/** Lines `<kind> <Call-ID>` of a sipp log, as Call-IDs by kind. */
export function callsByLogKind(logFile: string): Map<string, string[]> {
  const kinds = new Map<string, string[]>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const [kind, callId] = line.trim().split(/\s+/);
    if (kind === undefined || kind === '' || callId === undefined) continue;
    kinds.set(kind, [...(kinds.get(kind) ?? []), callId]);
  }
  return kinds;
}

/** Waits (polling, bounded) until a sipp log holds `count` lines starting with `kind`. */
export async function waitForLogLines(
  logFile: string,
  kind: string,
  count: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let seen = 0;
    try {
      seen = callsByLogKind(logFile).get(kind)?.length ?? 0;
    } catch {
      // Not written yet.
    }
    if (seen >= count) return;
    if (Date.now() > deadline) throw new Error(`${logFile}: ${seen} of ${count} '${kind}' lines`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
