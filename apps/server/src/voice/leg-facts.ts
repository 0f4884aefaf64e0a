/**
 * Call control's facts about a call's legs that belong on the call's timeline: no audio from the
 * caller or the agent (`LegAudioLost`, `LegAudioRestored`, from the media watchdog), a leg whose
 * media path failed (`LegMediaFault`: call control ends the call on a send fault), the leg's call
 * quality when its media closed (`LegMediaQuality`), and the agent's device taking the call back
 * after a browser reload (`AgentDeviceRejoined`, an INVITE with Replaces). Each is appended to
 * the call's contact stream, naming whose leg it was; a media fault is also logged as a warning,
 * on any leg.
 */
import type { Clock } from '@switchboard/kernel';
import type { CallEvent, LegId, LegMediaFault, LegMediaQuality } from '../calls';
import type { AgentLegs } from './agent-legs';
import type { CallJournal } from './call-journal';
import { callTarget, type VoiceLogger } from './voice-deps';
import type { InboundCall, VoiceCalls } from './voice-calls';

/** What {@link LegFacts} reads. */
export interface LegFactsOptions {
  readonly calls: VoiceCalls;
  readonly agents: Pick<AgentLegs, 'ofLeg'>;
  readonly journal: CallJournal;
  readonly clock: Clock;
  readonly logger: Pick<VoiceLogger, 'warn'>;
}

/** Whose a leg is: the caller's of `call`, or agent `agentId`'s in it. */
interface Side {
  readonly call: InboundCall;
  readonly agentId?: string;
}

/**
 * How long after a leg's end its quality report may still come (media on a worker thread reports
 * once the worker has closed the leg, well within this); a leg that had no media never reports.
 */
const QUALITY_WAIT_MS = 60_000;

/** Journals leg facts on the contact stream of the call the leg belongs to. */
export class LegFacts {
  /** Sides of the calls' legs, kept past their end until their quality report (or the wait) is over. */
  private readonly sides = new Map<LegId, Side>();
  /** Ended legs in the order they ended, to forget those whose report never came. */
  private readonly ended: { readonly legId: LegId; readonly at: number }[] = [];

  constructor(private readonly o: LegFactsOptions) {}

  /** Legs remembered for a quality report (for leak checks). */
  get size(): number {
    return this.sides.size;
  }

  onEvent(event: CallEvent): void {
    this.remember(event);
    if (event.type === 'LegMediaQuality') this.quality(event);
    else if (event.type === 'LegEnded') this.forgetLater(event.legId, event.at);
    else if (event.type === 'LegAudioLost' || event.type === 'LegAudioRestored') {
      const side = this.sideOf(event.legId);
      if (side === undefined) return;
      void this.o.journal.append(callTarget(side.call, event.legId), [
        {
          type: event.type,
          data: {
            ...partyOf(side),
            legId: event.legId,
            direction: event.direction,
            silentForMs: event.silentForMs,
            at: event.at,
          },
        },
      ]);
    } else if (event.type === 'LegMediaFault') {
      this.mediaFault(event);
    } else if (event.type === 'LegDialogReplaced') {
      const agent = this.o.agents.ofLeg(event.legId);
      if (agent === undefined) return;
      void this.o.journal.append(callTarget(agent.call, event.legId), [
        {
          type: 'AgentDeviceRejoined',
          data: {
            contactId: agent.call.contactId,
            agentId: agent.agentId,
            legId: event.legId,
            sipCallId: event.callId,
            at: event.at,
          },
        },
      ]);
    }
  }

  /**
   * Logged for every leg, with the call's ids when the leg is a caller's or an agent's (it may be a
   * supervisor's, a consultation's or a callback's), and journalled on the call's stream then.
   */
  private mediaFault(event: LegMediaFault): void {
    const { legId, kind, code, message } = event;
    const side = this.sideOf(legId);
    const whose = side === undefined ? undefined : partyOf(side);
    const call = side === undefined ? {} : { tenantId: side.call.tenantId, sipCallId: side.call.callId };
    this.o.logger.warn(
      { ...call, ...whose, legId, kind, code, detail: message },
      kind === 'send' ? 'media cannot be sent on a leg: call ended' : 'a media packet could not be handled',
    );
    if (side === undefined || whose === undefined) return;
    void this.o.journal.append(callTarget(side.call, legId), [
      { type: 'LegMediaFault', data: { ...whose, legId, kind, code, at: event.at } },
    ]);
  }

  private quality(event: LegMediaQuality): void {
    const side = this.sides.get(event.legId) ?? this.sideOf(event.legId);
    this.sides.delete(event.legId);
    if (side === undefined) return;
    void this.o.journal.append(callTarget(side.call, event.legId), [
      {
        type: 'LegMediaQuality',
        data: { ...partyOf(side), legId: event.legId, quality: event.quality, at: event.at },
      },
    ]);
  }

  /**
   * Remembers whose a leg is the first time an event names it while its call is known; its end
   * names it last, after its quality came if it came at once (media on this thread).
   */
  private remember(event: CallEvent): void {
    if (event.type === 'LegEnded') return;
    const legIds = 'legIds' in event ? event.legIds : 'legId' in event ? [event.legId] : [];
    for (const legId of legIds) {
      if (this.sides.has(legId)) continue;
      const side = this.sideOf(legId);
      if (side !== undefined) this.sides.set(legId, side);
    }
  }

  /** A leg ended: its side is kept {@link QUALITY_WAIT_MS} for its quality report, then dropped. */
  private forgetLater(legId: LegId, at: number): void {
    if (this.sides.has(legId)) this.ended.push({ legId, at });
    while (this.ended.length > 0 && this.ended[0]!.at <= at - QUALITY_WAIT_MS)
      this.sides.delete(this.ended.shift()!.legId);
  }

  private sideOf(legId: LegId): Side | undefined {
    const caller = this.o.calls.ofLeg(legId);
    return caller === undefined ? this.o.agents.ofLeg(legId) : { call: caller };
  }
}

/** Whose leg it is, as the contact stream names it. */
function partyOf(side: Side) {
  const { contactId } = side.call;
  return side.agentId === undefined
    ? { contactId, party: 'caller' as const }
    : { contactId, party: 'agent' as const, agentId: side.agentId };
}
