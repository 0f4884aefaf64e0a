/**
 * What agents do through the API, and what supervisors may force on them. Agents act on
 * themselves only (the routes pass the principal's own id); forcing another agent's state or
 * logout needs the supervisor or admin role, is limited to the caller's tenant and is audited,
 * whether it succeeded or was refused.
 */
import {
  ok,
  reject,
  type Clock,
  type IdGenerator,
  type Rejection,
  type Result,
  type TenantId,
} from '@switchboard/kernel';
import type { AgentStateView, ForceAgentStateRequest, WrapUpCompleteRequest } from '@switchboard/contracts';
import type { AgentCommand, RoutingCommand, RoutingOutput } from '@switchboard/routing';
import type { AuditLog } from '../identity/audit-log';
import type { Actor } from '../identity/identity-model';
import type { UserRepository } from '../identity/user-repository';
import { agentStateView } from './agent-state-view';
import { ContactFlowCode } from './contact-flow-codes';
import type { RoutingHost } from './routing-host';
import type { ContactFlowEvent } from './routing-journal';
import type { RoutingSetupSource } from './routing-setup';

/** Who asks, from where, within which HTTP request (the request id correlates the events). */
export interface AgentRequest extends Actor {
  readonly requestId: string;
}

/** Options of {@link AgentService}. */
export interface AgentServiceOptions {
  readonly host: RoutingHost;
  readonly setup: RoutingSetupSource;
  readonly users: Pick<UserRepository, 'findById'>;
  readonly audit: Pick<AuditLog, 'record'>;
  readonly ids: IdGenerator;
  readonly clock: Clock;
}

/** An agent command without the agent: the caller's own id is filled in. */
export type OwnAgentCommand = AgentCommand extends infer C
  ? C extends AgentCommand
    ? Omit<C, 'agentId'>
    : never
  : never;

/** One voice line unless the desktop says otherwise. */
const DEFAULT_CHANNELS = [{ channel: 'voice', capacity: 1 }] as const;

export class AgentService {
  constructor(private readonly o: AgentServiceOptions) {}

  /** Logs the caller in with the skills and queues of the routing configuration. */
  async logIn(
    request: AgentRequest,
    body: { channels?: readonly { channel: string; capacity: number }[]; ready?: boolean },
  ): Promise<Result<AgentStateView, Rejection>> {
    const { tenantId, userId } = request.principal;
    const profile = (await this.o.setup(tenantId)).profileOf(userId);
    return this.run(request, userId, {
      type: 'LogInAgent',
      agentId: userId,
      channels: body.channels ?? DEFAULT_CHANNELS,
      skills: profile.skills,
      queues: profile.queues,
      ...(body.ready === undefined ? {} : { ready: body.ready }),
    });
  }

  /** Runs one of the caller's own state changes (log out, ready, not ready, wrap-up extension). */
  act(request: AgentRequest, command: OwnAgentCommand): Promise<Result<AgentStateView, Rejection>> {
    const agentId = request.principal.userId;
    return this.run(request, agentId, { ...command, agentId } as AgentCommand);
  }

  /** Ends the caller's wrap-up, storing the disposition (小结) with the contact in the same batch. */
  completeWrapUp(
    request: AgentRequest,
    body: WrapUpCompleteRequest,
  ): Promise<Result<AgentStateView, Rejection>> {
    const agentId = request.principal.userId;
    const at = this.o.clock.now();
    const disposition = (output: RoutingOutput): ContactFlowEvent[] =>
      output.events.flatMap((e) =>
        e.type === 'AgentWrapUpEnded' && e.data.agentId === agentId
          ? [
              {
                type: 'ContactDispositionRecorded' as const,
                data: {
                  contactId: e.data.contactId,
                  agentId,
                  code: body.dispositionCode,
                  notes: body.notes ?? '',
                  at,
                },
              },
            ]
          : [],
      );
    const command: RoutingCommand = {
      type: 'CompleteWrapUp',
      agentId,
      ...(body.contactId === undefined ? {} : { contactId: body.contactId }),
    };
    return this.run(request, agentId, command, disposition);
  }

  /** The routing state of an agent of the tenant (logged out when routing never saw them). */
  async state(tenantId: TenantId, agentId: string): Promise<Result<AgentStateView, Rejection>> {
    const host = await this.o.host.tenant(tenantId);
    return host.query((engine) => agentStateView(agentId, engine.agentState(agentId)));
  }

  /** A supervisor sets an agent ready or not ready. Audited as `agent.state_forced`. */
  async forceState(
    request: AgentRequest,
    agentId: string,
    body: ForceAgentStateRequest,
  ): Promise<Result<AgentStateView, Rejection>> {
    const command: AgentCommand =
      body.state === 'ready'
        ? { type: 'SetAgentReady', agentId, ...(body.channel ? { channel: body.channel } : {}) }
        : {
            type: 'SetAgentNotReady',
            agentId,
            reason: body.reason ?? 'other',
            ...(body.channel ? { channel: body.channel } : {}),
          };
    return this.forced(request, agentId, command, 'agent.state_forced', { ...body });
  }

  /** A supervisor logs an agent out (签出). Audited as `agent.logout_forced`. */
  forceLogout(request: AgentRequest, agentId: string): Promise<Result<AgentStateView, Rejection>> {
    return this.forced(request, agentId, { type: 'LogOutAgent', agentId }, 'agent.logout_forced', {});
  }

  private async forced(
    request: AgentRequest,
    agentId: string,
    command: AgentCommand,
    action: string,
    details: Record<string, unknown>,
  ): Promise<Result<AgentStateView, Rejection>> {
    const { tenantId, userId, username } = request.principal;
    const target = await this.o.users.findById(tenantId, agentId);
    // Another tenant's agent and an unknown id look the same: no probing across tenants.
    if (target === undefined) return reject('IDENTITY.USER_NOT_FOUND', `No user ${agentId}`);
    const result = target.roles.includes('agent')
      ? await this.run(request, agentId, command)
      : reject(ContactFlowCode.NotAnAgent, `${target.username} is not an agent`);
    await this.o.audit.record({
      tenantId,
      actorUserId: userId,
      actor: username,
      action,
      target: { type: 'agent', id: agentId },
      ip: request.ip,
      details: {
        ...details,
        outcome: result.ok ? 'done' : 'refused',
        ...(result.ok ? {} : { code: result.error.code }),
      },
    });
    return result;
  }

  private async run(
    request: AgentRequest,
    agentId: string,
    command: RoutingCommand,
    extra?: (output: RoutingOutput) => ContactFlowEvent[],
  ): Promise<Result<AgentStateView, Rejection>> {
    const host = await this.o.host.tenant(request.principal.tenantId);
    const cause = { correlationId: request.requestId, causationId: `command-${this.o.ids.next()}` };
    const done = await host.execute(command, cause, extra);
    if (!done.ok) return done;
    const view = await host.query((engine) => agentStateView(agentId, engine.agentState(agentId)));
    return view.ok ? ok(view.value) : view;
  }
}
