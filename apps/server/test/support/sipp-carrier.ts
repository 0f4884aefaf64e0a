/**
 * sipp as a carrier's SIP server for trunk tests (`trunk-provider.xml`): it challenges our
 * REGISTER (401) and our outbound INVITE (407) for one account, answers OPTIONS, and logs every
 * message it receives (`-trace_msg`) so a test can read exactly what we sent.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrunkInput } from '../../src/telephony/trunks/trunk';
import { requireBinary, startPeer } from './peer-process';
import { SIPP } from './sipp';
import { receivedMessages } from './sipp-trace';

const SCENARIO = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../src/telephony/fixtures/sipp/trunk-provider.xml',
);

export interface SippCarrierOptions {
  /** The port sipp listens on at 127.0.0.1. */
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  /** The account the carrier knows us by. */
  readonly account: string;
  readonly secret: string;
}

export interface SippCarrier {
  /** The SIP messages sipp received so far, in order, each as its text. */
  messages(): string[];
  /**
   * A trunk to this carrier that registers with the account (so the carrier's INVITEs are
   * admitted by it) and presents the account, or one of `allowedCallerIds`, as caller ID.
   */
  trunkInput(name: string, allowedCallerIds: string[]): TrunkInput;
  /** Stops sipp and removes its working folder. */
  stop(): Promise<void>;
}

/** Starts the carrier; fails naming the Debian package when sipp is not installed. */
export function startSippCarrier(options: SippCarrierOptions): SippCarrier {
  requireBinary(SIPP, 'sip-tester');
  const dir = mkdtempSync(join(tmpdir(), `switchboard-${options.transport}-carrier-`));
  const log = join(dir, 'messages.log');
  const peer = startPeer(
    SIPP,
    ['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(options.port), '-t', `${options.transport[0]}1`]
      .concat(['-key', 'account', options.account, '-key', 'secret', options.secret, '-nostdin'])
      .concat(['-trace_msg', '-message_file', log]),
    { cwd: dir },
  );
  return {
    messages: () => receivedMessages(readFileSync(log, 'utf8')),
    trunkInput: (name, allowedCallerIds) => ({
      name,
      enabled: true,
      admission: 'registration',
      allowedAddresses: [],
      provider: { host: '127.0.0.1', port: options.port, transport: options.transport },
      account: { username: options.account, password: options.secret },
      registerExpires: 3600,
      outbound: {
        dialFormat: 'national',
        defaultCallerId: options.account,
        allowedCallerIds,
        assertIdentity: true,
        privacyForWithheld: true,
      },
      keepaliveSeconds: 10,
    }),
    async stop() {
      await peer.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
