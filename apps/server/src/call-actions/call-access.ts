/**
 * Who may act on a live call, and what they see of it. An agent acts on the calls they are on; a
 * supervisor or admin on every call of their tenant. Another tenant's call is not found — the same
 * answer as no call at all, so ids cannot be probed across tenants.
 */
import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { CallTargetPayload, MonitorMode } from '@switchboard/contracts';
import type { LegSnapshot } from '../calls';
import { maskPhoneNumber } from '../customers/caller-identity';
import type { Actor, Principal } from '../identity/identity-model';
import { CallActionCode } from './call-action-codes';
import type { LiveCall, LiveCalls } from './live-calls';

/** Who asks, from where, within which HTTP request (the request id correlates the facts). */
export interface CallActionRequest extends Actor {
  readonly requestId: string;
}

/** Supervisors and admins act on every call of their tenant. */
export function isManager(principal: Principal): boolean {
  return principal.roles.includes('supervisor') || principal.roles.includes('admin');
}

/** The call of `contactId` if the caller may act on it. */
export function callFor(
  calls: LiveCalls,
  principal: Principal,
  contactId: string,
): Result<LiveCall, Rejection> {
  const call = calls.ofContact(principal.tenantId, contactId);
  if (call === undefined) return reject(CallActionCode.NOT_FOUND, `No live call ${contactId}`);
  if (isManager(principal) || call.agentId === principal.userId) return ok(call);
  return reject(CallActionCode.NOT_YOUR_CALL, 'Only the agent on the call or a supervisor may act on it');
}

/** A call whose caller is talking to an agent (or waiting on hold for them). */
export interface ConnectedCall extends LiveCall {
  readonly agentId: string;
  readonly agentLegId: string;
}

/** The call if an agent is on it, both legs answered. */
export function connected(
  call: LiveCall,
  leg: (legId: string) => LegSnapshot | undefined,
): Result<ConnectedCall, Rejection> {
  const agentLeg = call.agentLegId === null ? undefined : leg(call.agentLegId);
  const callerLeg = leg(call.callerLegId);
  if (call.agentId === null || agentLeg === undefined || callerLeg === undefined)
    return reject(CallActionCode.NOT_CONNECTED, 'The call is not connected to an agent');
  if (agentLeg.state !== 'answered' && agentLeg.state !== 'held')
    return reject(CallActionCode.NOT_CONNECTED, 'The agent has not answered the call');
  return ok(call as ConnectedCall);
}

/** A live call as the API shows it. */
export interface LiveCallView {
  readonly contactId: string;
  readonly callId: string;
  /** Masked (138****8000): the live view is for screens, the full number is in the audited CRM. */
  readonly callerNumber: string;
  readonly arrivedAt: number;
  readonly agentId: string | null;
  readonly routingContactId: string | null;
  readonly held: boolean;
  readonly recording: { readonly paused: boolean } | null;
  readonly consultation: { readonly target: CallTargetPayload; readonly connected: boolean } | null;
  readonly transfer: { readonly target: CallTargetPayload } | null;
  /** Supervisors on the call; an agent sees only those they can hear. */
  readonly supervisors: readonly {
    readonly supervisorId: string;
    readonly mode: MonitorMode;
    readonly joined: boolean;
  }[];
}

/** What the view is built from besides the call. */
export interface CallViewParts {
  readonly held: boolean;
  readonly recording: { readonly paused: boolean } | undefined;
  readonly consultation: { readonly target: CallTargetPayload; readonly connected: boolean } | undefined;
  readonly transfer: { readonly target: CallTargetPayload } | undefined;
  readonly supervisors: readonly {
    supervisorId: string;
    mode: MonitorMode;
    joined: boolean;
    announced: boolean;
  }[];
}

/** The view of `call` for `viewer`. */
export function liveCallView(call: LiveCall, parts: CallViewParts, viewer: Principal): LiveCallView {
  const manager = isManager(viewer);
  return {
    contactId: call.contactId,
    callId: call.callId,
    callerNumber: maskPhoneNumber(call.callerNumber),
    arrivedAt: call.arrivedAt,
    agentId: call.agentId,
    routingContactId: call.routingContactId,
    held: parts.held,
    recording: parts.recording ?? null,
    consultation: parts.consultation ?? null,
    transfer: parts.transfer ?? null,
    supervisors: parts.supervisors
      .filter((s) => manager || s.announced)
      .map(({ supervisorId, mode, joined }) => ({ supervisorId, mode, joined })),
  };
}
