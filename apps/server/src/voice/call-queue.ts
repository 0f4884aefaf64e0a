/**
 * A caller entering a queue (the IVR's `RouteToQueue`): the flow's queue name becomes routing's
 * queue id, the screen pop's contact attributes (VIP level, region, customer) join the flow's own,
 * and the contact is enqueued with the flow's priority; the caller hears music on hold until an
 * agent answers. A queue that does not exist or refuses the contact ends the call rather than
 * leaving the caller in silence.
 */
import type { IvrEffect } from '@switchboard/ivr';
import type { CallCommands, Contacts, VoiceLogger } from './voice-deps';
import type { InboundCall } from './voice-calls';
import type { HoldMusic, QueueDirectory } from './voice-ports';

type RouteToQueue = Extract<IvrEffect, { type: 'RouteToQueue' }>;

/** Collaborators of {@link CallQueue}. */
export interface CallQueueOptions {
  readonly queues: QueueDirectory;
  readonly contacts: Contacts;
  readonly music: HoldMusic;
  readonly control: CallCommands;
  readonly logger: VoiceLogger;
}

/** Puts IVR callers in routing's queues. */
export class CallQueue {
  constructor(private readonly o: CallQueueOptions) {}

  async enqueue(call: InboundCall, effect: RouteToQueue): Promise<void> {
    const { o } = this;
    const queueId = await o.queues.queueIdOf(call.tenantId, effect.queue);
    const profile = await call.profile;
    if (call.stage !== 'ivr') return; // the caller hung up meanwhile: no contact to create
    if (queueId === undefined) {
      o.logger.error({ tenantId: call.tenantId, queue: effect.queue }, 'flow routes to an unknown queue');
      return this.giveUp(call);
    }
    // Set before enqueueing so a hang-up from now on abandons the contact (commands stay ordered).
    call.stage = 'queued';
    o.music.start(call.legId);
    const queued = await o.contacts.enqueue(
      call.tenantId,
      {
        contactId: call.contactId,
        queueId,
        priority: effect.priority,
        arrivedAt: call.arrivedAt,
        attributes: { ...profile.contact, ...effect.attributes, entryPoint: call.entry.number },
        callbackNumber: profile.number,
      },
      call.callId,
    );
    if (!queued.ok) {
      o.logger.error({ tenantId: call.tenantId, rejection: queued.error }, 'contact not queued');
      o.music.stop(call.legId);
      if (call.stage === 'queued') this.giveUp(call);
    }
  }

  /** Ends a call that cannot be queued; the hang-up collaborator records the end. */
  private giveUp(call: InboundCall): void {
    call.stage = 'done';
    void this.o.control.execute({ type: 'HangUp', legId: call.legId, cause: 'failed' });
  }
}
