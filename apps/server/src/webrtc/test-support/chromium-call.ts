/**
 * The browser's side of the WebRTC integration tests with a real headless Chromium: its fake
 * microphone, bounded polls instead of sleeps, the page's loopback candidates, and the audio
 * between a WebRTC leg and the page (what the page hears through its AnalyserNode).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToneGenerator, type CallQuality } from '@switchboard/media';
import type { HeardPeak } from '../chromium-softphone';
import { keepCandidatesOn } from '../peer-ice';
import { peakFrequency, type PcmuCollector } from '../tone-probe';
import { pollUntil } from '../../../test/support/poll-until';

/** What the fake microphone plays. */
export const BROWSER_HZ = 440;

/** A temporary folder holding Chromium's fake microphone; recordings may go there too. */
export interface FakeMicrophone {
  readonly dir: string;
  /** The WAV Chromium plays as its microphone (`--use-file-for-fake-audio-capture`). */
  readonly wav: string;
  /** Removes the folder and what the test wrote into it. */
  remove(): Promise<void>;
}

/**
 * Writes the fake microphone with sox into a new temporary folder named after `prefix`: a
 * {@link BROWSER_HZ} sine at 48 kHz, which Chromium loops for as long as the track lives.
 */
export async function fakeMicrophone(prefix: string): Promise<FakeMicrophone> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const wav = join(dir, `mic-${BROWSER_HZ}.wav`);
  const sine = ['synth', '4', 'sine', String(BROWSER_HZ), 'vol', '0.5'];
  execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', wav, ...sine]);
  return { dir, wav, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs` naming `what`. */
export function until<T>(
  check: () => T | Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<NonNullable<T>> {
  return pollUntil(check, { timeoutMs, what, every: 20 });
}

/**
 * The leg's call quality once the browser has reported on our audio too: Chromium sends its first
 * RTCP report within a second or two of the call's start.
 */
export function reportedQuality(leg: { quality(): CallQuality | undefined }): Promise<CallQuality> {
  return until(
    () => {
      const q = leg.quality();
      return q?.outbound ? q : undefined;
    },
    15_000,
    "the browser's report on our audio",
  );
}

/** Keeps the page's loopback candidates only, so the test's media never leaves 127.0.0.1. */
export function loopbackOnly(sdp: string): string {
  return keepCandidatesOn(sdp, '127.0.0.1');
}

/**
 * Waits until the page hears `hz` (±15 Hz, above -40 dBFS) and returns what it measured; fails
 * after `timeoutMs`.
 */
export function pageHears(
  page: { peak(): Promise<HeardPeak> },
  hz: number,
  timeoutMs = 10_000,
): Promise<HeardPeak> {
  return until(
    async () => {
      const peak = await page.peak();
      return Math.abs(peak.hz - hz) <= 15 && peak.db > -40 ? peak : undefined;
    },
    timeoutMs,
    `the browser to hear ${hz} Hz`,
  );
}

/**
 * The server's voice to the browser: a continuous `hz` tone into `leg` (a WebRTC leg, 8 kHz
 * linear frames) every 20 ms. Returns what stops it.
 */
export function sendToneToBrowser(leg: { sendLinear(frame: Int16Array): void }, hz: number): () => void {
  const tone = new ToneGenerator({ name: `${hz} Hz`, components: [{ hz, levelDbm0: -6 }], cadence: [] });
  const frame = new Int16Array(160);
  const timer = setInterval(() => {
    tone.fill(frame);
    leg.sendLinear(frame);
  }, 20);
  return () => clearInterval(timer);
}

/** Waits for one second of audio from the browser in `audio` and returns its strongest frequency. */
export async function serverHears(audio: PcmuCollector): Promise<{ hz: number; share: number }> {
  audio.clear();
  await until(() => audio.samples >= 8000, 8000, 'one second of PCMU from the browser');
  return peakFrequency(audio.last(8000));
}
