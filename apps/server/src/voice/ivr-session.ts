/**
 * Runs one call through its IVR flow: call and media events become interpreter inputs, the
 * interpreter's effects are carried out through ports, and its events go to the call's contact
 * stream. Prompts, timers and lookups live here; what leaves the IVR (queue, voicemail, callback,
 * transfer, hang-up) is handed to {@link IvrOutcomes}.
 *
 * ```
 *  LegAnswered ─▶ Started ─▶ stepIvr ─▶ effects ─▶ PromptChannel / CallTimers / lookups / outcomes
 *       DTMF, prompt end, timer, lookup answer ─▶ stepIvr ─▶ …
 *  LegEnded (caller) ─▶ CallerHungUp ─▶ FlowEnded ─▶ disposed
 * ```
 * A flow that routed with an after-call node ends its run `parked`: the session is disposed, and a
 * new one built from {@link IvrSession.parked} resumes it if the agent hangs up first.
 */
import {
  INITIAL_IVR_STATE,
  stepIvr,
  type FlowRegistry,
  type IvrEffect,
  type IvrEndReason,
  type IvrInput,
  type IvrState,
} from '@switchboard/ivr';
import type { Clock, TenantId, Timers } from '@switchboard/kernel';
import type { LookupAnswer, LookupRequest } from '../customers/lookup-service';
import { CallJournal } from './call-journal';
import { CallTimers } from './call-timers';
import type { CallerProfile } from './caller-profiles';
import { PromptChannel, type PromptLogger } from './prompt-channel';
import type { InboundCall } from './voice-calls';
import type { PromptPlayer, PromptSource } from './voice-ports';

/** Effects that end or leave the IVR, carried out by the call's other collaborators. */
export interface IvrOutcomes {
  route(call: InboundCall, effect: Extract<IvrEffect, { type: 'RouteToQueue' }>): void;
  voicemail(call: InboundCall, effect: Extract<IvrEffect, { type: 'StartVoicemail' }>): void;
  callback(call: InboundCall, effect: Extract<IvrEffect, { type: 'OfferCallback' }>): void;
  transfer(call: InboundCall, effect: Extract<IvrEffect, { type: 'TransferExternal' }>): void;
  hangUp(call: InboundCall, cause: string): void;
  /** The flow is over; the session is already disposed. */
  ended(call: InboundCall, reason: IvrEndReason): void;
}

/** Look-ups answering `StartLookup` (the customers context's `LookupService`). */
export interface IvrLookups {
  lookup(tenantId: TenantId, request: LookupRequest): Promise<LookupAnswer>;
  cancel(requestId: string): void;
}

/** What a session is built from; shared by every call. */
export interface IvrSessionDeps {
  readonly flows: FlowRegistry;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly prompts: PromptSource;
  readonly player: PromptPlayer;
  readonly lookups: IvrLookups;
  readonly journal: CallJournal;
  readonly outcomes: IvrOutcomes;
  readonly logger: PromptLogger;
}

/** A flow parked at a route with an after-call node, and the inputs its runs took so far. */
export interface ParkedIvr {
  readonly state: IvrState;
  readonly inputs: number;
}

/** One call's IVR. */
export class IvrSession {
  private state: IvrState;
  private readonly timers: CallTimers;
  private readonly prompts: PromptChannel;
  private readonly backlog: IvrInput[] = [];
  private stepping = false;
  private inputs: number;

  /** A new call's session, or, with `parked`, one that goes on with a parked flow. */
  constructor(
    readonly call: InboundCall,
    private readonly deps: IvrSessionDeps,
    parked?: ParkedIvr,
  ) {
    this.state = parked?.state ?? INITIAL_IVR_STATE;
    // Numbered on from the parked runs, so every input keeps its own causation id.
    this.inputs = parked?.inputs ?? 0;
    this.timers = new CallTimers(deps.timers);
    this.prompts = new PromptChannel(
      call.tenantId,
      call.legId,
      deps.prompts,
      deps.player,
      (promptId) => this.send({ type: 'PromptFinished', promptId }),
      deps.logger,
    );
  }

  /** True once the flow has ended for good (hung up, caller gone…); a parked flow may resume. */
  get ended(): boolean {
    return this.state.phase === 'ended';
  }

  /** The flow, when its run ended parked: what resumes it after the agent hung up. */
  parked(): ParkedIvr | undefined {
    return this.state.phase === 'parked' ? { state: this.state, inputs: this.inputs } : undefined;
  }

  /** Timers and prompts still outstanding (zero after the end). */
  get outstanding(): number {
    return this.timers.size + (this.prompts.busy ? 1 : 0);
  }

  /** Starts the entry point's flow with the caller's attributes. */
  start(profile: CallerProfile): void {
    const { entry } = this.call;
    const version = entry.flowVersion ?? this.deps.flows.latestVersion(entry.flowId) ?? 0;
    this.send({
      type: 'Started',
      flowId: entry.flowId,
      version,
      now: this.deps.clock.now(),
      utcOffsetMinutes: entry.utcOffsetMinutes,
      caller: profile.ivr,
      calendar: entry.calendar,
    });
  }

  /**
   * Feeds one input. Inputs arriving while an earlier one is being carried out (an effect that
   * answers synchronously) wait their turn, so the interpreter always sees them in order.
   */
  send(input: IvrInput): void {
    this.backlog.push(input);
    if (this.stepping) return;
    this.stepping = true;
    try {
      for (let next = this.backlog.shift(); next !== undefined; next = this.backlog.shift()) this.step(next);
    } finally {
      this.stepping = false;
    }
  }

  private step(input: IvrInput): void {
    if (this.ended) return;
    const step = stepIvr(
      this.state,
      { ...input, now: input.now ?? this.deps.clock.now() },
      { flows: this.deps.flows },
    );
    this.state = step.state;
    this.inputs += 1;
    const { call } = this;
    void this.deps.journal.append(
      {
        tenantId: call.tenantId,
        streamId: CallJournal.contactStream(call.contactId),
        correlationId: call.callId,
        causationId: `${call.legId}/ivr-${this.inputs}-${input.type}`,
      },
      step.events,
    );
    for (const effect of step.effects) this.carryOut(effect);
  }

  private carryOut(effect: IvrEffect): void {
    const { call, deps } = this;
    switch (effect.type) {
      case 'PlayPrompt':
        call.language = effect.language;
        return this.prompts.play(effect);
      case 'StopPrompt':
        return this.prompts.stop(effect.promptId);
      case 'StartTimer':
        return this.timers.start(effect.timerId, effect.ms, () =>
          this.send({ type: 'TimerFired', timerId: effect.timerId }),
        );
      case 'CancelTimer':
        return this.timers.cancel(effect.timerId);
      case 'StartLookup':
        void deps.lookups.lookup(call.tenantId, effect).then((answer) => this.send(answer));
        return;
      case 'CancelLookup':
        return deps.lookups.cancel(effect.requestId);
      case 'RouteToQueue':
        return deps.outcomes.route(call, effect);
      case 'StartVoicemail':
        return deps.outcomes.voicemail(call, effect);
      case 'OfferCallback':
        return deps.outcomes.callback(call, effect);
      case 'TransferExternal':
        return deps.outcomes.transfer(call, effect);
      case 'HangUp':
        return deps.outcomes.hangUp(call, effect.cause);
      case 'RecordSurvey':
        // The score is already on the timeline as `IvrSurveyAnswered`; survey reports read it there.
        return;
      case 'FlowEnded':
        this.timers.dispose();
        this.prompts.dispose();
        return deps.outcomes.ended(call, effect.reason);
    }
  }
}
