import type { G711Law, TelephoneEventName } from '@switchboard/media';
import type { MediaTicker, TickSubscriber } from './media-ticker';
import { frameSourceOf, type FrameSource, type PlaybackItem } from './playback-source';
import { TypedEmitter } from './typed-emitter';

/** How one item is played. */
export interface PlayOptions {
  /** Start again at the end, until stopped (music on hold). */
  readonly loop?: boolean;
  /** A key press stops this item (and every queued barge-in item): IVR menus. */
  readonly bargeIn?: boolean;
}

/** Why an item stopped playing. */
export type PlaybackEnd = 'completed' | 'stopped' | 'barged-in';

/** Typed events of a {@link Player}. */
export interface PlayerEvents {
  started: { readonly playbackId: number };
  finished: { readonly playbackId: number; readonly reason: PlaybackEnd };
  /** A key press cut barge-in items short; the digit itself arrives as the leg's `dtmf` event. */
  'barged-in': { readonly digit: TelephoneEventName };
  /** The queue ran empty. */
  idle: Record<string, never>;
}

/** What a player needs from a leg: its law, a way to send a frame, and its key-press events. */
export interface PlayerLeg {
  readonly codec: { readonly law: G711Law };
  sendFrame(payload: Uint8Array, marker?: boolean): void;
  on(event: 'dtmf-started', listener: (e: { readonly digit: TelephoneEventName }) => void): unknown;
  off(event: 'dtmf-started', listener: (e: { readonly digit: TelephoneEventName }) => void): unknown;
}

interface Playback {
  readonly id: number;
  readonly item: PlaybackItem;
  readonly options: PlayOptions;
  source?: FrameSource;
}

/**
 * Plays prompts, tones and silence to one leg, one 20 ms frame per frame of the shared
 * {@link MediaTicker}. Frames are sent when the ticker says they are due (it schedules from a start
 * time, so there is no drift); after a late tick the missed frames go out at once so the stream
 * keeps its rate. The player subscribes to the ticker only while it has something to play.
 *
 * Items queue in order; the first frame of each carries the RTP marker (RFC 3551 §4.1, start of
 * a talkspurt) so the far end's jitter buffer resynchronises.
 */
export class Player extends TypedEmitter<PlayerEvents> implements TickSubscriber {
  private readonly queue: Playback[] = [];
  private nextId = 1;
  private subscribed = false;
  private readonly onKey = (e: { readonly digit: TelephoneEventName }) => this.bargeIn(e.digit);

  constructor(
    private readonly leg: PlayerLeg,
    private readonly ticker: MediaTicker,
  ) {
    super();
    leg.on('dtmf-started', this.onKey);
  }

  /** Queues an item; returns its playback id for the `started` / `finished` events. */
  play(item: PlaybackItem, options: PlayOptions = {}): number {
    const id = this.nextId++;
    this.queue.push({ id, item, options });
    if (!this.subscribed) {
      this.subscribed = true;
      this.ticker.subscribe(this);
    }
    return id;
  }

  /** True while something plays or waits. */
  get playing(): boolean {
    return this.queue.length > 0;
  }

  /** Stops the current item and empties the queue. */
  stop(): void {
    this.finishWhere(() => true, 'stopped');
  }

  /** Stops and detaches from the leg and the ticker. */
  dispose(): void {
    this.stop();
    this.leg.off('dtmf-started', this.onKey);
    this.removeAllListeners();
  }

  /** Ticker hook: sends the frames that fell due. */
  onTick(frames: number): void {
    for (let i = 0; i < frames && this.queue.length > 0; i++) this.sendOne();
    if (this.queue.length === 0) this.goIdle();
  }

  private sendOne(): void {
    for (;;) {
      const current = this.queue[0];
      if (!current) return;
      const first = current.source === undefined;
      if (first) {
        current.source = frameSourceOf(current.item, this.leg.codec.law);
        this.emit('started', { playbackId: current.id });
      }
      let payload = current.source!.next();
      if (payload === undefined && current.options.loop) {
        current.source!.restart();
        payload = current.source!.next();
      }
      if (payload !== undefined) {
        this.leg.sendFrame(payload, first);
        return;
      }
      // An item with nothing (left) to play gives its frame slot to the next one.
      this.queue.shift();
      this.emit('finished', { playbackId: current.id, reason: 'completed' });
    }
  }

  private bargeIn(digit: TelephoneEventName): void {
    if (!this.queue[0]?.options.bargeIn) return;
    this.finishWhere((p) => p.options.bargeIn === true, 'barged-in');
    this.emit('barged-in', { digit });
    if (this.queue.length === 0) this.goIdle();
  }

  private finishWhere(match: (p: Playback) => boolean, reason: PlaybackEnd): void {
    const ended = this.queue.filter(match);
    const kept = this.queue.filter((p) => !match(p));
    this.queue.length = 0;
    this.queue.push(...kept);
    for (const p of ended) this.emit('finished', { playbackId: p.id, reason });
    if (reason === 'stopped') this.goIdle();
  }

  private goIdle(): void {
    if (!this.subscribed) return;
    this.subscribed = false;
    this.ticker.unsubscribe(this);
    this.emit('idle', {});
  }
}
