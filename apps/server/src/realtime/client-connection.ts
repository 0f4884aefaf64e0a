/**
 * One WebSocket client with a bounded send buffer. The routing host publishes synchronously and
 * must never wait for a client: messages are queued here and written as the socket drains. A
 * client that falls behind by more than the buffer loses what is queued and keeps losing until it
 * has caught up; it then receives one `resync` message (with the count dropped) and reloads over
 * HTTP. Its memory stays bounded however slow it is.
 */
import type { ServerMessage } from '@switchboard/contracts';

/** The slice of a `ws` WebSocket used here. */
export interface SendingSocket {
  readonly readyState: number;
  send(data: string, callback: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
}

/** Limits of a connection's buffer. */
export interface ConnectionLimits {
  /** Messages queued beyond those being written; past it the client must resync. */
  readonly maxQueued: number;
  /** Messages handed to the socket and not yet flushed. */
  readonly maxInFlight: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxQueued: 512, maxInFlight: 16 };

const OPEN = 1;

export class ClientConnection {
  private readonly queue: string[] = [];
  private inFlight = 0;
  private dropped = 0;
  private sentCount = 0;

  constructor(
    private readonly socket: SendingSocket,
    private readonly limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS,
  ) {}

  /** Queues a message (already serialized, to share one string among many clients). */
  sendText(text: string): void {
    if (this.socket.readyState !== OPEN) return;
    if (this.dropped > 0 || this.queue.length >= this.limits.maxQueued) {
      // Everything queued is stale once anything is lost: the client reloads state instead.
      this.dropped += this.queue.length + 1;
      this.queue.length = 0;
    } else this.queue.push(text);
    this.pump();
  }

  send(message: ServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  /** Messages written to the socket so far (for metrics and tests). */
  get sent(): number {
    return this.sentCount;
  }

  /** Messages lost since the last resync. */
  get droppedSinceResync(): number {
    return this.dropped;
  }

  private pump(): void {
    while (this.inFlight < this.limits.maxInFlight && this.socket.readyState === OPEN) {
      if (this.dropped > 0) {
        if (this.inFlight > 0) return;
        const resync: ServerMessage = { type: 'resync', reason: 'slow-consumer', dropped: this.dropped };
        this.dropped = 0;
        this.write(JSON.stringify(resync));
        continue;
      }
      const next = this.queue.shift();
      if (next === undefined) return;
      this.write(next);
    }
  }

  private write(text: string): void {
    this.inFlight++;
    this.sentCount++;
    this.socket.send(text, (error) => {
      this.inFlight--;
      if (error) this.socket.close(1011, 'send failed');
      else this.pump();
    });
  }
}
