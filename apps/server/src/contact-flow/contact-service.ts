/**
 * The contact side of routing, called in-process by the telephony and IVR layers as calls
 * progress (not exposed over HTTP): a caller reaches a queue, an agent's device answers, the call
 * ends, the caller hangs up while waiting. Each call passes the call's correlation id, so every
 * routing event about the contact carries it.
 */
import type { IdGenerator, Rejection, Result, TenantId } from '@switchboard/kernel';
import type { ContactCommand, RoutingOutput } from '@switchboard/routing';
import type { RoutingHost } from './routing-host';

/** `EnqueueContact` without its type tag. */
export type EnqueueRequest = Omit<Extract<ContactCommand, { type: 'EnqueueContact' }>, 'type'>;

/** What a contact command produced: the stored events and the effects already dispatched. */
export type ContactOutcome = Result<RoutingOutput, Rejection>;

export class ContactService {
  constructor(
    private readonly host: RoutingHost,
    private readonly ids: IdGenerator,
  ) {}

  /** A caller enters a queue (IVR `RouteToQueue`); `correlationId` is the call's id. */
  enqueue(
    tenantId: TenantId,
    request: EnqueueRequest,
    correlationId = request.contactId,
  ): Promise<ContactOutcome> {
    return this.send(tenantId, { type: 'EnqueueContact', ...request }, correlationId);
  }

  /** The agent's device answered the offer. */
  answer(
    tenantId: TenantId,
    contactId: string,
    agentId: string,
    correlationId?: string,
  ): Promise<ContactOutcome> {
    return this.send(tenantId, { type: 'AnswerContact', contactId, agentId }, correlationId);
  }

  /** The agent's device declined the offer (busy here, rejected on the phone). */
  rejectOffer(
    tenantId: TenantId,
    contactId: string,
    agentId: string,
    correlationId?: string,
  ): Promise<ContactOutcome> {
    return this.send(tenantId, { type: 'RejectOffer', contactId, agentId }, correlationId);
  }

  /** The conversation ended (either side hung up); the agent enters wrap-up. */
  end(tenantId: TenantId, contactId: string, correlationId?: string): Promise<ContactOutcome> {
    return this.send(tenantId, { type: 'EndContact', contactId }, correlationId);
  }

  /** The caller hung up before an agent answered. */
  abandon(tenantId: TenantId, contactId: string, correlationId?: string): Promise<ContactOutcome> {
    return this.send(tenantId, { type: 'AbandonContact', contactId }, correlationId);
  }

  /** Any other contact command (hold, retrieve, priority, callback outcome). */
  async send(tenantId: TenantId, command: ContactCommand, correlationId?: string): Promise<ContactOutcome> {
    const host = await this.host.tenant(tenantId);
    const commandId = `command-${this.ids.next()}`;
    return host.execute(command, {
      correlationId: correlationId ?? command.contactId,
      causationId: commandId,
    });
  }
}
