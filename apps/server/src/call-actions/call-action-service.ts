/**
 * What an agent does to the call they are on (a supervisor may do the same to any call of the
 * tenant, audited): hold and resume, hang up, and pause the recording while a card number is read
 * out; transfers are in `transfer-actions.ts`. Each action checks the call and its state first, so
 * a refusal names the reason (`CALL.NOT_HELD`: the call is not on hold); call control does the
 * work; the outcome is recorded on the call's contact stream and pushed to the agent and the
 * supervisors. Hold and retrieve are also told to routing, which counts hold time in handle time.
 */
import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { Principal } from '../identity/identity-model';
import { callFor, isManager, type CallActionRequest, type LiveCallView } from './call-access';
import { CallActionCode } from './call-action-codes';
import { consulting, type CallActionDeps, type CallActionRunner, type Outcome } from './call-action-runner';
import type { LiveCall } from './live-calls';

/** The agent's call controls besides transfers. */
export class CallActionService {
  constructor(
    private readonly d: CallActionDeps,
    private readonly run: CallActionRunner,
  ) {}

  /** The caller's live calls: an agent's own, every call of the tenant for a supervisor. */
  list(principal: Principal): LiveCallView[] {
    const calls = isManager(principal)
      ? this.d.calls.list(principal.tenantId)
      : this.d.calls.ofAgent(principal.tenantId, principal.userId);
    return calls.map((c) => this.run.view(c, principal));
  }

  /** One live call the caller may act on. */
  get(principal: Principal, contactId: string): Result<LiveCallView, Rejection> {
    const call = callFor(this.d.calls, principal, contactId);
    return call.ok ? ok(this.run.view(call.value, principal)) : call;
  }

  /** Puts the caller on hold (music); routing counts the hold. */
  hold(request: CallActionRequest, contactId: string): Outcome {
    return this.run.act(request, contactId, 'hold', async (call) => {
      if (this.d.tracker.consultationOf(call.contactId) !== undefined) return consulting();
      if (this.run.held(call))
        return reject(CallActionCode.ALREADY_HELD, 'The call is already on hold', { contactId });
      const done = await this.run.command({ type: 'Hold', legId: call.callerLegId });
      if (!done.ok) return done;
      await this.routing(call, 'HoldContact', request.requestId);
      return this.run.fact(request, call, 'CallHeld');
    });
  }

  /** Takes the caller off hold. */
  resume(request: CallActionRequest, contactId: string): Outcome {
    return this.run.act(request, contactId, 'resume', async (call) => {
      if (this.d.tracker.consultationOf(call.contactId) !== undefined) return consulting();
      if (!this.run.held(call))
        return reject(CallActionCode.NOT_HELD, 'The call is not on hold', { contactId });
      const done = await this.run.command({ type: 'Resume', legId: call.callerLegId });
      if (!done.ok) return done;
      await this.routing(call, 'RetrieveContact', request.requestId);
      return this.run.fact(request, call, 'CallResumed');
    });
  }

  /** Ends the call from the agent's side; the agent goes into wrap-up. */
  hangUp(request: CallActionRequest, contactId: string): Outcome {
    return this.run.act(request, contactId, 'hang-up', async (call) => {
      // Hanging up while consulting would hand the caller to the consulted party; in a three-way
      // call that is what leaving means: the other two talk on.
      const c = this.d.tracker.consultationOf(call.contactId);
      if (c !== undefined && !c.conferenced) return consulting();
      return this.run.command({ type: 'HangUp', legId: call.agentLegId, cause: 'normal', party: 'agent' });
    });
  }

  /** Pauses (true) or resumes the call's recording, e.g. while a card number is read out. */
  setRecordingPaused(request: CallActionRequest, contactId: string, paused: boolean): Outcome {
    return this.run.act(request, contactId, paused ? 'recording.pause' : 'recording.resume', async (call) => {
      const state = this.d.recording.state(call);
      if (state === undefined) return reject(CallActionCode.NOT_RECORDED, 'This call is not being recorded');
      if (state.paused === paused)
        return paused
          ? reject(CallActionCode.ALREADY_PAUSED, 'The recording is already paused')
          : reject(CallActionCode.NOT_PAUSED, 'The recording is not paused');
      const done = this.d.recording.setPaused(call, paused);
      if (!done.ok) return done;
      return this.run.fact(request, call, paused ? 'CallRecordingPaused' : 'CallRecordingResumed');
    });
  }

  /** Tells routing of a hold or retrieve; a call routing no longer holds (transferred) is skipped. */
  private async routing(
    call: LiveCall,
    type: 'HoldContact' | 'RetrieveContact',
    correlationId: string,
  ): Promise<void> {
    if (call.routingContactId === null) return;
    const done = await this.d
      .contacts()
      .send(call.tenantId, { type, contactId: call.routingContactId }, correlationId);
    if (!done.ok)
      this.d.logger.warn({ contactId: call.contactId, rejection: done.error }, `${type} refused by routing`);
  }
}
