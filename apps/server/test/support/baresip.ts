/**
 * baresip (Debian `baresip`) as an agent's desk phone: a temp config dir with one account on
 * 127.0.0.1, no audio devices (sine source, file sink), started, waited on until its registration
 * is answered, and killed afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary, startPeer, type PeerProcess } from './peer-process';

export const BARESIP = '/usr/bin/baresip';

export interface BaresipOptions {
  /** The SIP user (extension) and its password. */
  readonly user: string;
  readonly password: string;
  /** The server's port and transport. */
  readonly serverPort: number;
  readonly transport: 'udp' | 'tcp';
  /** Registration interval in seconds; default 600. */
  readonly regint?: number;
}

export interface BaresipPhone {
  readonly peer: PeerProcess;
  /** Resolves with the status line once the registration is answered `200 OK`. */
  registered(timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Starts baresip with one account. */
export function startBaresip(options: BaresipOptions): BaresipPhone {
  requireBinary(BARESIP, 'baresip');
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-baresip-'));
  writeFileSync(
    join(dir, 'config'),
    [
      'module_path /usr/lib/baresip/modules',
      // Port 0: the kernel picks a free port, so parallel tests never collide.
      'sip_listen 127.0.0.1:0',
      'module g711.so',
      'module ausine.so',
      'module aufile.so',
      'module_app account.so',
      'module_app menu.so',
      'audio_player aufile,/dev/null',
      'audio_source ausine,440',
      '',
    ].join('\n'),
  );
  const server = `127.0.0.1:${options.serverPort};transport=${options.transport}`;
  writeFileSync(
    join(dir, 'accounts'),
    `<sip:${options.user}@${server}>;auth_pass=${options.password};regint=${options.regint ?? 600}\n`,
  );
  const peer = startPeer(BARESIP, ['-4', '-f', dir]);
  return {
    peer,
    async registered(timeoutMs = 15_000) {
      const m = await peer.waitFor(/\{\d+\/(?:UDP|TCP)\/v4\} (200 OK[^\n]*)/, timeoutMs);
      return m[1] ?? '';
    },
    async stop() {
      await peer.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
