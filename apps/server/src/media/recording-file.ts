import { mkdir, open, readdir, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { WavStreamWriter, recoverWavHeader, type WavFormat } from '@switchboard/media';
import { MediaCode, mediaRejection } from './media-error';

/**
 * A WAV file written while the call lasts. The header goes first with placeholder sizes (the
 * media package's {@link WavStreamWriter}); sample bytes are appended with positional writes, so
 * writes may be in flight together without reordering; {@link finish} patches the sizes. Until
 * then the file is a valid prefix that {@link recoverRecordings} repairs after a crash.
 */
export class RecordingFile {
  private readonly writer: WavStreamWriter;
  private readonly pending = new Set<Promise<void>>();
  private position: number;
  private failure: Rejection | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    format: WavFormat,
    headerBytes: number,
  ) {
    this.writer = new WavStreamWriter(format);
    this.position = headerBytes;
  }

  /** Creates the file (and its directory) and writes the placeholder header. */
  static async create(path: string, format: WavFormat): Promise<Result<RecordingFile, Rejection>> {
    try {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(path, 'wx');
      const header = new WavStreamWriter(format).begin();
      await handle.write(header, 0, header.length, 0);
      return ok(new RecordingFile(path, handle, format, header.length));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return err(mediaRejection(MediaCode.RecordingFailed, `cannot create ${path}`, { path, code }));
    }
  }

  /** Sample bytes accepted so far. */
  get dataBytes(): number {
    return this.writer.bytesWritten;
  }

  /** The first write error, if any; later audio is dropped, the file stays recoverable. */
  get error(): Rejection | undefined {
    return this.failure;
  }

  /**
   * Appends sample bytes. The file owns `bytes` until it has written them (later): then, or at
   * once when nothing is written, `written` is called and the caller may reuse them.
   */
  append(bytes: Uint8Array, written?: () => void): void {
    if (this.failure || bytes.length === 0) return written?.();
    const at = this.position;
    this.position += bytes.length;
    this.writer.appended(bytes.length);
    const write: Promise<void> = this.handle.write(bytes, 0, bytes.length, at).then(
      () => {
        this.pending.delete(write);
        written?.();
      },
      (e: NodeJS.ErrnoException) => {
        this.pending.delete(write);
        this.failure ??= mediaRejection(MediaCode.RecordingFailed, `write to ${this.path} failed`, {
          path: this.path,
          code: e.code,
        });
      },
    );
    this.pending.add(write);
  }

  /** Waits for every write, writes the real sizes and closes the file. */
  async finish(): Promise<Result<{ dataBytes: number }, Rejection>> {
    while (this.pending.size > 0) await Promise.all(this.pending);
    try {
      if (!this.failure) {
        const { header, trailer } = this.writer.finish();
        await this.handle.write(header, 0, header.length, 0);
        if (trailer.length > 0) await this.handle.write(trailer, 0, trailer.length, this.position);
      }
    } catch (e) {
      this.failure ??= mediaRejection(MediaCode.RecordingFailed, `finalising ${this.path} failed`, {
        code: (e as NodeJS.ErrnoException).code,
      });
    } finally {
      await this.handle.close();
    }
    return this.failure ? err(this.failure) : ok({ dataBytes: this.writer.bytesWritten });
  }
}

/** What {@link recoverRecordings} did to one file. */
export interface RecoveredRecording {
  readonly path: string;
  readonly outcome: 'intact' | 'repaired' | 'refused';
  readonly dataBytes: number;
  /** The reader's code for a refused file (not a WAV at all). */
  readonly code?: string;
}

async function* wavFiles(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* wavFiles(path);
    else if (entry.isFile() && entry.name.endsWith('.wav')) yield path;
  }
}

/**
 * Run at startup, before any recording starts: finds WAV files under `dir` (recursively) whose
 * header sizes were never finalised because the process died, and repairs them in place with the
 * media package's `recoverWavHeader` (sizes from the bytes actually on disk, a half-written
 * stereo frame cut off). Files that are not WAV at all are reported, not touched.
 */
export async function recoverRecordings(dir: string): Promise<RecoveredRecording[]> {
  const results: RecoveredRecording[] = [];
  for await (const path of wavFiles(dir)) results.push(await recoverRecording(path));
  return results;
}

/**
 * Repairs one recording's header in place, as {@link recoverRecordings} does: also for a recording
 * whose writing failed while its call went on (a full disk), so what did reach the disk plays at once.
 */
export async function recoverRecording(path: string): Promise<RecoveredRecording> {
  // The whole file: the recovery computes the data size from what is really there.
  const bytes = await readFile(path);
  const recovery = recoverWavHeader(bytes);
  if (!recovery.ok) return { path, outcome: 'refused', dataBytes: 0, code: recovery.error.code };
  const { header, length, dataBytes, intact } = recovery.value;
  if (!intact) {
    const handle = await open(path, 'r+');
    try {
      await handle.write(header, 0, header.length, 0);
      // truncate() also extends by the RIFF pad byte when the data length is odd.
      await handle.truncate(length);
    } finally {
      await handle.close();
    }
  }
  return { path, outcome: intact ? 'intact' : 'repaired', dataBytes };
}
