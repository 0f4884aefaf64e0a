/**
 * Agents who take a call outside routing's offers: a colleague's transfer, a consultation. Routing
 * has no such contact, so while the agent's phone rings and talks they are set not ready with the
 * system reason `direct-call` (no offer lands on a busy phone), and put back to ready afterwards —
 * only if nobody changed their state meanwhile (a supervisor's force, the agent's own choice).
 */
import {
  ok,
  reject,
  type IdGenerator,
  type Rejection,
  type Result,
  type TenantId,
} from '@switchboard/kernel';
import { channelStatus, findChannel, type AgentCommand } from '@switchboard/routing';
import type { RoutingHost } from '../contact-flow/routing-host';
import { CallActionCode } from './call-action-codes';

/** The not-ready reason of an agent on a direct call (set by the system, never chosen). */
export const DIRECT_CALL_REASON = 'direct-call';

const VOICE = 'voice';

/** Logs what could not be put back. */
export interface DirectCallsLogger {
  warn(obj: object, msg: string): void;
}

/** Reserves agents for direct calls and releases them. */
export class DirectCalls {
  constructor(
    private readonly host: Pick<RoutingHost, 'tenant'>,
    private readonly ids: IdGenerator,
    private readonly logger: DirectCallsLogger,
  ) {}

  /** Takes a ready, idle agent out of rotation; refuses an agent who is not. */
  async reserve(
    tenantId: TenantId,
    agentId: string,
    correlationId: string,
  ): Promise<Result<void, Rejection>> {
    const host = await this.host.tenant(tenantId);
    const status = await host.query((engine) => engine.agentStatus(agentId, VOICE));
    if (!status.ok) return status;
    if (status.value !== 'ready')
      return reject(
        CallActionCode.AGENT_NOT_AVAILABLE,
        `The agent is not ready for a call (${status.value})`,
        {
          agentId,
          status: status.value,
        },
      );
    const done = await this.run(tenantId, correlationId, {
      type: 'SetAgentNotReady',
      agentId,
      reason: DIRECT_CALL_REASON,
      channel: VOICE,
    });
    return done.ok ? ok(undefined) : done;
  }

  /** Makes the agent ready again if they are still not ready because of the direct call. */
  async release(tenantId: TenantId, agentId: string, correlationId: string): Promise<void> {
    const host = await this.host.tenant(tenantId);
    const reserved = await host.query((engine) => {
      const state = engine.agentState(agentId);
      const channel = state === undefined ? undefined : findChannel(state, VOICE);
      return channel !== undefined && !channel.ready && channel.reason === DIRECT_CALL_REASON
        ? channelStatus(channel)
        : undefined;
    });
    if (!reserved.ok || reserved.value === undefined) return;
    const done = await this.run(tenantId, correlationId, { type: 'SetAgentReady', agentId, channel: VOICE });
    if (!done.ok)
      this.logger.warn({ agentId, rejection: done.error }, 'agent not made ready after a direct call');
  }

  private async run(
    tenantId: TenantId,
    correlationId: string,
    command: AgentCommand,
  ): Promise<Result<unknown, Rejection>> {
    const host = await this.host.tenant(tenantId);
    return host.execute(command, { correlationId, causationId: `command-${this.ids.next()}` });
  }
}
