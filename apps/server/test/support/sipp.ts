/**
 * Runs sipp (Debian `sip-tester`) against the server with one of our XML scenarios (by default from
 * `apps/server/src/telephony/fixtures/sipp/`), and reports how many calls succeeded and failed.
 *
 * A running sipp can also be cued: scenarios that wait with `<recv request="INFO"/>` go on when the
 * test sends {@link SippCall.cue}, so a caller presses a key or hangs up when the event log says
 * the call got there rather than after a guessed pause.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary, startPeer } from './peer-process';

export const SIPP = '/usr/bin/sipp';
const SCENARIOS = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../src/telephony/fixtures/sipp');

export interface SippRun {
  /** A scenario file name under the telephony fixtures, or an absolute path. */
  readonly scenario: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  /** Calls to run (each a scenario pass); default 1. */
  readonly calls?: number;
  /** Extra arguments (`-au`, `-ap`, `-key`, `-s`). */
  readonly args?: readonly string[];
  readonly timeoutMs?: number;
  /** sipp's own SIP port (see {@link freeUdpPort}); needed to {@link SippCall.cue} it. */
  readonly localPort?: number;
  /**
   * sipp's RTP port on 127.0.0.1 for `play_pcap_audio` (`-mi`/`-mp`); sipp also binds the port
   * two above it for video, so take it from {@link freeRtpPort}.
   */
  readonly mediaPort?: number;
  /** Files put in sipp's working directory, where a scenario finds a pcap named without a path. */
  readonly files?: Readonly<Record<string, Uint8Array>>;
  /** Calls started per second (`-r`); default 50. */
  readonly rate?: number;
  /** Calls alive at once (`-l`); default 1. */
  readonly limit?: number;
}

export interface SippResult {
  readonly exitCode: number | null;
  readonly successful: number;
  readonly failed: number;
  readonly output: string;
}

/** A sipp run in progress. */
export interface SippCall {
  /** The Call-ID of the run's first call (what the server logs as the call's id). */
  readonly callId: string;
  /** Settles when sipp exits (or is killed at its timeout). */
  readonly result: Promise<SippResult>;
  /** Lets the first call's scenario past its next `<recv request="INFO"/>`; needs `localPort`. */
  cue(): Promise<void>;
  /** Kills sipp if it still runs (afterAll). */
  stop(): Promise<void>;
}

/** Runs a scenario to completion (sipp exits 0 when every call succeeded). */
export async function runSipp(run: SippRun): Promise<SippResult> {
  return startSipp(run).result;
}

/**
 * `extension` registers with digest from sipp's `localPort` (`refer-register.xml`), where a UAS
 * scenario started after it listens: the registrar then rings that flow.
 */
export function registerFromPort(
  serverPort: number,
  extension: string,
  password: string,
  localPort: number,
): Promise<SippResult> {
  return runSipp({
    scenario: 'refer-register.xml',
    port: serverPort,
    transport: 'udp',
    localPort,
    args: ['-s', extension, '-au', extension, '-ap', password],
  });
}

/** Starts a scenario; see {@link SippCall}. */
export function startSipp(run: SippRun): SippCall {
  requireBinary(SIPP, 'sip-tester');
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-sipp-'));
  for (const [name, bytes] of Object.entries(run.files ?? {})) writeFileSync(join(dir, name), bytes);
  const calls = run.calls ?? 1;
  // A Call-ID the test knows in advance: sipp fills %u with the call number and %s with its address.
  const callIdPrefix = `sipp-${randomBytes(6).toString('hex')}`;
  const media = run.mediaPort === undefined ? [] : ['-mi', '127.0.0.1', '-mp', String(run.mediaPort)];
  const peer = startPeer(
    SIPP,
    [
      `127.0.0.1:${run.port}`,
      '-sf',
      resolve(SCENARIOS, run.scenario),
      '-t',
      run.transport === 'udp' ? 'u1' : 't1',
      '-i',
      '127.0.0.1',
      '-p',
      String(run.localPort ?? 0),
      ...media,
      '-cid_str',
      `${callIdPrefix}-%u@%s`,
      '-m',
      String(calls),
      '-r',
      String(run.rate ?? 50),
      // One call at a time by default: the register scenario ends by removing every binding of its user.
      '-l',
      String(run.limit ?? 1),
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
  const result = (async (): Promise<SippResult> => {
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
  })();
  // Awaited by the test, or abandoned when it fails first: never an unhandled rejection then.
  result.catch(() => undefined);
  const callId = `${callIdPrefix}-1@127.0.0.1`;
  let cues = 0;
  return {
    callId,
    result,
    cue: () => {
      if (run.localPort === undefined) throw new Error('cue() needs the run to name its localPort');
      return sendInfo(run.localPort, callId, ++cues);
    },
    stop: () => peer.kill(),
  };
}

/**
 * The cue: an INFO on the first call's dialog, sent straight to sipp's port. sipp matches a
 * request to its call by Call-ID alone; the scenario does not answer it, so nothing reaches the
 * server.
 */
function sendInfo(port: number, callId: string, cseq: number): Promise<void> {
  const socket = createSocket('udp4');
  const text = [
    `INFO sip:caller@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-cue-${cseq}-${randomBytes(4).toString('hex')}`,
    'From: <sip:test@127.0.0.1>;tag=cue',
    'To: <sip:caller@127.0.0.1>',
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} INFO`,
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return new Promise((resolveSent, reject) =>
    socket.send(text, port, '127.0.0.1', (error) => {
      socket.close();
      if (error) reject(error);
      else resolveSent();
    }),
  );
}

/** A UDP port free on 127.0.0.1 right now. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createSocket('udp4');
    probe.once('error', reject);
    probe.bind(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/** An even UDP port whose neighbour two above is free too (sipp's audio and video sockets). */
export async function freeRtpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = (await freeUdpPort()) & ~1;
    if (port > 1024 && port < 65_530 && (await udpPortFree(port)) && (await udpPortFree(port + 2)))
      return port;
  }
  throw new Error('no free RTP port pair for sipp');
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const probe = createSocket('udp4');
    probe.once('error', () => resolveFree(false));
    probe.bind(port, '127.0.0.1', () => probe.close(() => resolveFree(true)));
  });
}

/** Reads a row of sipp's final statistics screen (`Successful call | 0 | 3`): the cumulative column. */
function counter(output: string, row: string): number {
  const m = output.match(new RegExp(`${row}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`));
  return m ? Number(m[1]) : 0;
}
