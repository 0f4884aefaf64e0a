/**
 * baresip (Debian `baresip`, 1.0) as an agent's desk phone: a temp config dir with one account on
 * 127.0.0.1, no audio devices, started, waited on until its registration is answered, and killed
 * afterwards.
 *
 * What the phone says and hears: it sends a sine (`ausine`, generated at 48 kHz stereo and resampled
 * by baresip to the codec's 8 kHz) or an 8 kHz mono WAV (`aufile`); what it hears and what it sends
 * are written as 8 kHz mono WAVs by the `sndfile` filter (baresip 1.0's `aufile` is a source only,
 * it cannot record). Playback goes to an `aubridge` device nobody reads: a sink.
 *
 * Answering: `answermode=auto` on the account answers every call at once; `manual` lets it ring
 * until the caller gives up or {@link BaresipPhone.hangUp} presses `b` on its console (486 to a
 * ringing call, BYE to an established one).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWav, wavSamples } from '@switchboard/media';
import { requireBinary, startPeer, type PeerProcess } from './peer-process';

export const BARESIP = '/usr/bin/baresip';

/** What the phone sends into a call. */
export type BaresipAudioSource = { readonly sineHz: number } | { readonly wav: string };

export interface BaresipOptions {
  /** The SIP user (extension) and its password. */
  readonly user: string;
  readonly password: string;
  /** The server's port and transport. */
  readonly serverPort: number;
  readonly transport: 'udp' | 'tcp' | 'tls';
  /** Registration interval in seconds; default 600. */
  readonly regint?: number;
  /** Default `manual`: incoming calls ring until answered, refused or cancelled. */
  readonly answerMode?: 'manual' | 'auto';
  /** Default a 440 Hz sine. A WAV must be 8 kHz, mono, 16-bit. */
  readonly source?: BaresipAudioSource;
  /** PEM file of the CA (or self-signed certificate) the phone trusts over TLS (`sip_cafile`). */
  readonly caFile?: string;
  /**
   * PEM file with the phone's own certificate and key (`sip_certificate`): without it baresip's TLS
   * listener cannot complete a handshake, so nothing can connect to it over TLS.
   */
  readonly certificateFile?: string;
  /**
   * The phone's SIP port on 127.0.0.1 (UDP and TCP; TLS listens on the port above it). Default 0:
   * the kernel picks free ports.
   */
  readonly listenPort?: number;
  /** Print every SIP message sent and received (`-s`), to assert what arrived over which transport. */
  readonly sipTrace?: boolean;
  /**
   * Default true. False: the account never registers (`regint=0`), so the phone only places calls,
   * as a customer's phone behind a trunk does.
   */
  readonly register?: boolean;
}

export interface BaresipPhone {
  readonly peer: PeerProcess;
  /** Resolves with the status line once the registration is answered `200 OK`. */
  registered(timeoutMs?: number): Promise<string>;
  /** Resolves once the `n`th call (from 1) rings on the phone. */
  ringing(n?: number, timeoutMs?: number): Promise<void>;
  /** Resolves once the `n`th call is established (answered and acknowledged). */
  established(n?: number, timeoutMs?: number): Promise<void>;
  /**
   * Resolves once the `n`th call has ended, with the line saying how: `session closed: …` when
   * the other side sent BYE or CANCEL, `rejecting incoming call …` after {@link hangUp} refused it.
   */
  ended(n?: number, timeoutMs?: number): Promise<string>;
  /** Presses `b`: refuses a ringing call (486) or hangs up an established one. */
  hangUp(): void;
  /** Places a call to `uri` (`/dial` on the console). */
  dial(uri: string): void;
  /**
   * What the phone heard in its last call, 8 kHz linear; empty before any call. baresip 1.0 stops
   * writing it for the rest of a call once a re-INVITE that is not `sendrecv` (a hold) has reset
   * its receive side: the audio after a hold is not here.
   */
  heard(): Int16Array;
  /**
   * {@link heard} once the call's file is complete: libsndfile writes the WAV's data size when it
   * closes the file, which can come just after baresip logs the call's end, so the file is read
   * until it holds samples and stops growing (bounded by `timeoutMs`).
   */
  heardWhenClosed(timeoutMs?: number): Promise<Int16Array>;
  /** What the phone sent in its last call, 8 kHz linear; empty before any call. */
  sent(): Int16Array;
  stop(): Promise<void>;
}

/** Starts baresip with one account. */
export function startBaresip(options: BaresipOptions): BaresipPhone {
  requireBinary(BARESIP, 'baresip');
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-baresip-'));
  const dumps = join(dir, 'audio');
  mkdirSync(dumps);
  const tls = [
    ...(options.caFile === undefined ? [] : [`sip_cafile ${options.caFile}`]),
    ...(options.certificateFile === undefined ? [] : [`sip_certificate ${options.certificateFile}`]),
  ]
    .map((line) => `${line}\n`)
    .join('');
  const config = configText(options.source ?? { sineHz: 440 }, dumps, options.listenPort ?? 0);
  writeFileSync(join(dir, 'config'), config + tls);
  const server = `127.0.0.1:${options.serverPort};transport=${options.transport}`;
  const params = [
    `auth_pass=${options.password}`,
    `regint=${options.register === false ? 0 : (options.regint ?? 600)}`,
    `answermode=${options.answerMode ?? 'manual'}`,
  ];
  writeFileSync(join(dir, 'accounts'), `<sip:${options.user}@${server}>;${params.join(';')}\n`);
  const args = ['-4', '-f', dir];
  // The trace goes to stdout, block-buffered into a pipe: line buffering shows each message as sent.
  const peer =
    options.sipTrace === true
      ? startPeer('/usr/bin/stdbuf', ['-oL', BARESIP, '-s', ...args])
      : startPeer(BARESIP, args);
  const nth = (pattern: string, n: number, timeoutMs: number) =>
    peer.waitFor(new RegExp(`(?:[\\s\\S]*?${pattern}){${n}}`), timeoutMs);
  return {
    peer,
    async registered(timeoutMs = 15_000) {
      const m = await peer.waitFor(/\{\d+\/(?:UDP|TCP|TLS)\/v4\} (200 OK[^\n]*)/, timeoutMs);
      return m[1] ?? '';
    },
    async ringing(n = 1, timeoutMs = 30_000) {
      await nth('Incoming call from', n, timeoutMs);
    },
    async established(n = 1, timeoutMs = 30_000) {
      await nth('Call established', n, timeoutMs);
    },
    async ended(n = 1, timeoutMs = 30_000) {
      // One line per call: the remote's BYE or CANCEL closes the session, or the phone refused it.
      const m = await nth('(session closed: [^\\n]*|rejecting incoming call[^\\n]*)', n, timeoutMs);
      return m[1] ?? '';
    },
    hangUp() {
      peer.child.stdin?.write('b');
    },
    dial(uri) {
      peer.child.stdin?.write(`/dial ${uri}\n`);
    },
    heard: () => lastDump(dumps, 'dec'),
    async heardWhenClosed(timeoutMs = 5_000) {
      const deadline = performance.now() + timeoutMs;
      let last = lastDump(dumps, 'dec');
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const now = lastDump(dumps, 'dec');
        if ((now.length > 0 && now.length === last.length) || performance.now() > deadline) return now;
        last = now;
      }
    },
    sent: () => lastDump(dumps, 'enc'),
    async stop() {
      await peer.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function configText(source: BaresipAudioSource, dumps: string, listenPort: number): string {
  // ausine makes 48 kHz stereo only; aufile reads the WAV at the source rate it is told.
  const audioSource =
    'sineHz' in source
      ? [`audio_source ausine,${source.sineHz}`, 'ausrc_srate 48000', 'ausrc_channels 2']
      : [`audio_source aufile,${source.wav}`, 'ausrc_srate 8000', 'ausrc_channels 1'];
  return [
    'module_path /usr/lib/baresip/modules',
    // Port 0: the kernel picks a free port, so parallel tests never collide.
    `sip_listen 127.0.0.1:${listenPort}`,
    'module g711.so',
    'module ausine.so',
    'module aufile.so',
    'module aubridge.so',
    'module sndfile.so',
    // The console on stdin, for hangUp(); it warns that a pipe is no terminal and reads it anyway.
    'module stdio.so',
    'module_app account.so',
    'module_app menu.so',
    'audio_player aubridge,sink',
    ...audioSource,
    `snd_path ${dumps}`,
    '',
  ].join('\n');
}

/** The newest `dump-<time>-<dec|enc>.wav` the sndfile filter wrote, decoded. */
function lastDump(dumps: string, side: 'dec' | 'enc'): Int16Array {
  const names = readdirSync(dumps)
    .filter((name) => name.endsWith(`-${side}.wav`))
    .sort();
  const newest = names.at(-1);
  if (newest === undefined) return new Int16Array(0);
  const wav = parseWav(new Uint8Array(readFileSync(join(dumps, newest))));
  if (!wav.ok) throw new Error(`${newest}: ${wav.error.message}`);
  return wavSamples(wav.value);
}
