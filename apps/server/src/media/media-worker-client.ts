import { Worker, type MessagePort } from 'node:worker_threads';
import { err, type Rejection, type Result } from '@switchboard/kernel';
import { MediaCode, mediaRejection } from './media-error';
import type { MediaWorkerCommand, MediaWorkerEvent, MediaWorkerSetup } from './media-worker-protocol';

/** Distributes a command without `seq`, the form callers build. */
type WithoutSeq<T> = T extends { seq: number } ? Omit<T, 'seq'> : never;
/** A command that expects a reply, as callers build it. */
export type MediaWorkerRequest = WithoutSeq<Extract<MediaWorkerCommand, { seq: number }>>;
/** A command that does not expect a reply. */
export type MediaWorkerNotice = Exclude<MediaWorkerCommand, { seq: number }>;

/** How a worker ended when it was not asked to. */
export interface MediaWorkerFailure {
  readonly exitCode: number;
  /** The uncaught error's message, when it died of one. */
  readonly error?: string;
}

/** What the client reports upwards: worker events, and the worker's unexpected end. */
export interface MediaWorkerClientListener {
  onEvent(event: MediaWorkerEvent): void;
  onFailure(failure: MediaWorkerFailure): void;
}

const BOOTSTRAP = new URL('./media-worker-bootstrap.mjs', import.meta.url);

/**
 * The main thread's end of one media worker thread: posts commands, matches replies to requests
 * by sequence number, and turns an unexpected exit (an uncaught error, or `process.exit` in the
 * worker) into one {@link MediaWorkerClientListener.onFailure}, with every pending request
 * answered `MEDIA.WORKER_FAILED` so no caller waits forever.
 */
export class MediaWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (r: Result<unknown, Rejection>) => void>();
  private nextSeq = 1;
  private lastError: string | undefined;
  private stopping = false;
  private alive = true;

  constructor(
    readonly index: number,
    setup: MediaWorkerSetup,
    private readonly listener: MediaWorkerClientListener,
  ) {
    this.worker = new Worker(BOOTSTRAP, { workerData: { setup }, name: `media-${index}` });
    this.worker.on('message', (e: MediaWorkerEvent) => this.onMessage(e));
    this.worker.on('error', (e) => void (this.lastError = e.message));
    this.worker.on('exit', (code) => this.onExit(code));
  }

  /** False once the thread ended. */
  get running(): boolean {
    return this.alive;
  }

  /** Sends a request and resolves with the worker's reply; `transfer` moves ports along. */
  request<T>(command: MediaWorkerRequest, transfer?: readonly MessagePort[]): Promise<Result<T, Rejection>> {
    if (!this.alive) return Promise.resolve(err(this.failedRejection()));
    const seq = this.nextSeq++;
    return new Promise((resolve) => {
      this.pending.set(seq, resolve as (r: Result<unknown, Rejection>) => void);
      this.worker.postMessage({ ...command, seq }, transfer === undefined ? undefined : [...transfer]);
    });
  }

  /** Sends a command that has no reply. */
  notify(command: MediaWorkerNotice): void {
    if (this.alive) this.worker.postMessage(command);
  }

  /** Ends the thread on purpose (shutdown): no failure is reported. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }

  private onMessage(e: MediaWorkerEvent): void {
    if (e.ev !== 'reply') return this.listener.onEvent(e);
    const resolve = this.pending.get(e.seq);
    this.pending.delete(e.seq);
    resolve?.(e.ok ? { ok: true, value: e.value } : { ok: false, error: e.error });
  }

  private onExit(exitCode: number): void {
    this.alive = false;
    const failed = this.failedRejection();
    for (const resolve of this.pending.values()) resolve(err(failed));
    this.pending.clear();
    if (this.stopping) return;
    this.listener.onFailure({ exitCode, ...(this.lastError !== undefined ? { error: this.lastError } : {}) });
  }

  private failedRejection(): Rejection {
    return mediaRejection(MediaCode.WorkerFailed, `media worker ${this.index} is not running`, {
      worker: this.index,
      ...(this.lastError !== undefined ? { error: this.lastError } : {}),
    });
  }
}
