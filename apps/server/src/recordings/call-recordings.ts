import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Clock, IdGenerator, Rejection, TenantId } from '@switchboard/kernel';
import { recoverRecording, recoverRecordings, type RecordingEncoding, type RecordingSummary } from '../media';
import type { RecordingOutcome } from './recording-metrics';
import type { RecordingRepository } from './recording-repository';

/** Where recordings live: `<dataDir>/recordings`. */
export function recordingsRoot(dataDir: string): string {
  return join(dataDir, 'recordings');
}

/** Which call a recording belongs to; every part is a server-issued id. */
export interface RecordedCall {
  readonly tenantId: TenantId;
  readonly contactId: string;
  readonly callId: string;
}

/** How a recording's audio is laid out: calls are stereo, voicemails mono. */
export interface RecordingLayout {
  readonly channels: 'stereo' | 'mono';
  /** Default: the media service's encoding. */
  readonly encoding?: RecordingEncoding;
}

/** What start-up recovery did. */
export interface RecordingRecoveryReport {
  /** WAV files whose header was patched. */
  readonly repairedFiles: number;
  /** Index rows left `recording` by the crash, now `recovered`. */
  readonly recoveredRows: number;
}

/** What {@link CallRecordings} logs. */
export interface RecordingsLogger {
  warn(obj: object, msg: string): void;
}

/** Options of {@link CallRecordings}. */
export interface CallRecordingsOptions {
  readonly repository: RecordingRepository;
  /** `<dataDir>/recordings`: every file lives below it. */
  readonly root: string;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: RecordingsLogger;
  /** The media service's sample encoding; default `mulaw` (its default too). */
  readonly encoding?: RecordingEncoding;
  /** Each recording closed, failed or recovered, for the metrics. */
  readonly onOutcome?: RecordingOutcome;
}

/**
 * Ids become path segments: anything but plain id characters is refused, so no id can climb out of
 * its tenant's folder even if one were ever taken from outside.
 */
const SAFE_SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;

/** Stereo, 8 kHz. */
const BYTES_PER_SECOND: Record<RecordingEncoding, number> = { mulaw: 16_000, alaw: 16_000, pcm16: 32_000 };

/** How long `dataBytes` of stereo audio in `encoding` last, in whole ms. */
function audioMs(dataBytes: number, encoding: RecordingEncoding): number {
  return Math.floor((dataBytes * 1000) / BYTES_PER_SECOND[encoding]);
}

/**
 * Names, indexes and closes call recordings. A bridged call is recorded to
 * `<root>/<tenant>/<yyyy-mm-dd>/<contact>.wav` (UTC date; a contact bridged again the same day gets
 * `<contact>-2.wav`, …), with a row written before the first byte so a crash leaves a row to repair.
 */
export class CallRecordings {
  private readonly encoding: RecordingEncoding;

  constructor(private readonly o: CallRecordingsOptions) {
    this.encoding = o.encoding ?? 'mulaw';
  }

  /** The recordings root. */
  get root(): string {
    return this.o.root;
  }

  /**
   * Indexes a new recording of `call` and answers the absolute file path to record to, or
   * `undefined` (logged) when the call's ids cannot name a file. Calls are stereo in the media
   * service's encoding; a voicemail is filed as `{ channels: 'mono', encoding: 'pcm16' }`.
   */
  async begin(
    call: RecordedCall,
    layout: RecordingLayout = { channels: 'stereo' },
  ): Promise<string | undefined> {
    // Routing names derived contacts `<id>:callback`; the colon is kept out of file names.
    const fileName = call.contactId.replace(/:/g, '_');
    if (![call.tenantId, fileName].every((s) => SAFE_SEGMENT.test(s))) {
      this.o.logger.warn({ contactId: call.contactId }, 'recording skipped: ids unfit for a file name');
      return undefined;
    }
    try {
      return await this.index(call, fileName, layout);
    } catch (e) {
      // The index is down: the call goes on unrecorded (its caller decides), and is counted so.
      this.o.onOutcome?.('failed');
      throw e;
    }
  }

  private async index(call: RecordedCall, fileName: string, layout: RecordingLayout): Promise<string> {
    const now = new Date(this.o.clock.now()).toISOString();
    const day = now.slice(0, 10);
    const earlier = await this.o.repository.list(call.tenantId, { contactId: call.contactId });
    const taken = new Set(earlier.map((r) => r.relativePath));
    let relativePath = `${call.tenantId}/${day}/${fileName}.wav`;
    for (let n = 2; taken.has(relativePath); n++)
      relativePath = `${call.tenantId}/${day}/${fileName}-${n}.wav`;
    await this.o.repository.insert({
      id: this.o.ids.next(),
      tenantId: call.tenantId,
      contactId: call.contactId,
      callId: call.callId,
      relativePath,
      startedAt: now,
      format: `wav/${layout.encoding ?? this.encoding}-8000-${layout.channels}`,
    });
    return this.pathOf(relativePath);
  }

  /**
   * Completes the row of a closed recording with its duration, size and pauses. A recording that
   * failed is filed `failed` with the reason: one that never started has no audio (and the file
   * at its path, if any, is not its own); one whose writing broke off keeps what reached the disk,
   * its header repaired now so that part plays at once.
   */
  async closed(summary: RecordingSummary): Promise<void> {
    const relativePath = this.relativeOf(summary.path);
    if (relativePath === undefined) return;
    const end = {
      endedAt: new Date(this.o.clock.now()).toISOString(),
      pausedSpans: summary.pausedSpans,
      pausedMs: summary.pausedMs,
    };
    if (summary.error === undefined) {
      await this.o.repository.finish(relativePath, {
        ...end,
        status: 'complete',
        durationMs: summary.durationMs,
        bytes: (await sizeOf(summary.path)) ?? 0,
      });
      return this.o.onOutcome?.('complete');
    }
    this.o.logger.warn({ path: relativePath, rejection: summary.error }, 'recording failed');
    const kept = summary.dataBytes > 0 ? await this.repaired(summary.path) : 0;
    await this.o.repository.finish(relativePath, {
      ...end,
      status: 'failed',
      // A failed recording is a call's: stereo, in the media service's encoding.
      durationMs: audioMs(kept, this.encoding),
      bytes: kept > 0 ? ((await sizeOf(summary.path)) ?? 0) : 0,
      failure: failureOf(summary.error),
    });
    this.o.onOutcome?.('failed');
  }

  /**
   * Start-up, before any call: repairs WAV headers a crash left unfinished and marks rows still
   * `recording` as `recovered`, sized from what is really on disk. A row's end is its start plus
   * the audio that survived, the best estimate of when the writing stopped.
   */
  async recover(): Promise<RecordingRecoveryReport> {
    const files = await recoverRecordings(this.o.root);
    const audioBytes = new Map(files.map((f) => [f.path, f.dataBytes]));
    const open = await this.o.repository.listOpen();
    for (const row of open) {
      const path = this.pathOf(row.relativePath);
      const bytes = (await sizeOf(path)) ?? 0;
      // A missing or refused file has no audio to speak of.
      const dataBytes = audioBytes.get(path) ?? 0;
      const durationMs = audioMs(dataBytes, this.encodingOf(row.format));
      await this.o.repository.finish(row.relativePath, {
        status: 'recovered',
        endedAt: new Date(Date.parse(row.startedAt) + durationMs).toISOString(),
        durationMs,
        bytes,
      });
      this.o.onOutcome?.('recovered');
    }
    return {
      repairedFiles: files.filter((f) => f.outcome === 'repaired').length,
      recoveredRows: open.length,
    };
  }

  /** Audio bytes a failed recording left on disk, its header repaired; 0 when none can be read. */
  private async repaired(path: string): Promise<number> {
    try {
      return (await recoverRecording(path)).dataBytes;
    } catch (e) {
      this.o.logger.warn({ path: this.relativeOf(path), err: e }, 'failed recording not repaired');
      return 0;
    }
  }

  private pathOf(relativePath: string): string {
    return join(this.o.root, ...relativePath.split('/'));
  }

  /** The `/`-separated path below the root, or undefined for a file outside it. */
  private relativeOf(path: string): string | undefined {
    const rel = relative(this.o.root, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
    return rel.split(sep).join('/');
  }

  private encodingOf(format: string): RecordingEncoding {
    const encoding = format.split('/')[1]?.split('-')[0];
    return encoding === 'alaw' || encoding === 'pcm16' ? encoding : 'mulaw';
  }
}

/** The file's size, undefined when it is missing (a recording that never got its first write). */
async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** `MEDIA.RECORDING_FAILED (ENOSPC)`: what failed and the system's word for why, no file path. */
function failureOf(error: Rejection): string {
  const cause = error.details?.['code'];
  return typeof cause === 'string' ? `${error.code} (${cause})` : error.code;
}
