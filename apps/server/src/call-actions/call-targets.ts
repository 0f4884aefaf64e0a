/**
 * Turns the target an agent names (a colleague, an outside number) into what call control rings:
 * the colleague's registered phones and softphones, or the number through an outbound trunk. A
 * colleague must be an agent of the same tenant, ready and idle, with a device; the caller ID they
 * see is the customer's, so their phone shows who is being handed over.
 */
import { ok, reject, type Rejection, type Result, type TenantId } from '@switchboard/kernel';
import type { CallTargetPayload } from '@switchboard/contracts';
import type { OriginateRequest } from '../calls';
import { ContactFlowCode } from '../contact-flow/contact-flow-codes';
import type { UserRepository } from '../identity/user-repository';
import type { AgentDevices } from '../voice/voice-ports';
import { CallActionCode } from './call-action-codes';
import type { OutboundTrunks } from './call-action-ports';
import type { LiveCall } from './live-calls';

/** A target that is rung: an agent or an outside number (a queue is reached through routing). */
export type RingTarget = Exclude<CallTargetPayload, { kind: 'queue' }>;

/** How to ring a target, and the agent it reaches (null for an outside number). */
export interface ResolvedTarget {
  readonly request: OriginateRequest;
  readonly agentId: string | null;
}

/** Options of {@link CallTargets}. */
export interface CallTargetsOptions {
  readonly users: Pick<UserRepository, 'findById'>;
  readonly devices: AgentDevices;
  readonly trunks: OutboundTrunks;
  /** How long a transfer or consultation target rings before it counts as not answering. */
  readonly ringTimeoutMs: number;
}

/** Resolves targets of transfers, consultations and supervisors' own devices. */
export class CallTargets {
  constructor(private readonly o: CallTargetsOptions) {}

  /** The originate request for `target`, for a call `fromAgentId` hands over. */
  async resolve(
    call: LiveCall,
    target: RingTarget,
    fromAgentId: string,
  ): Promise<Result<ResolvedTarget, Rejection>> {
    if (target.kind === 'number') return this.number(call, target.number);
    if (target.agentId === fromAgentId)
      return reject(CallActionCode.SAME_AGENT, 'An agent cannot transfer a call to themselves');
    const user = await this.o.users.findById(call.tenantId, target.agentId);
    // Another tenant's user and an unknown id look the same: no probing across tenants.
    if (user === undefined) return reject('IDENTITY.USER_NOT_FOUND', `No user ${target.agentId}`);
    if (!user.roles.includes('agent') || user.disabledAt !== null)
      return reject(ContactFlowCode.NotAnAgent, `${user.username} is not an agent`);
    const devices = await this.devicesOf(call.tenantId, target.agentId, call.callerNumber);
    return devices.ok ? ok({ request: devices.value, agentId: target.agentId }) : devices;
  }

  /** A user's registered devices as an originate request, presenting `callerNumber`. */
  async devicesOf(
    tenantId: TenantId,
    userId: string,
    callerNumber: string,
  ): Promise<Result<OriginateRequest, Rejection>> {
    const targets = await this.o.devices.targetsFor(tenantId, userId);
    if (targets.length === 0)
      return reject(CallActionCode.NO_DEVICE, 'No phone or softphone is registered for that user', {
        userId,
      });
    return ok({
      targets,
      callerId: { number: callerNumber },
      timeoutMs: this.o.ringTimeoutMs,
      role: 'agent',
    });
  }

  private async number(call: LiveCall, number: string): Promise<Result<ResolvedTarget, Rejection>> {
    const route = await this.o.trunks.route(call.tenantId, number, call.callerNumber);
    if (!route.ok) return route;
    const request: OriginateRequest = {
      targets: [route.value.target],
      callerId: route.value.callerId,
      timeoutMs: this.o.ringTimeoutMs,
      role: 'customer',
    };
    return ok({ request, agentId: null });
  }
}
