/**
 * A caller entering a queue (the IVR's `RouteToQueue`): the flow's queue name becomes routing's
 * queue id, the screen pop's contact attributes (VIP level, region, customer) join the flow's own,
 * and the contact is enqueued with the flow's priority and required skills; the caller hears music
 * on hold and the queue's announcements ({@link QueueAnnouncer}) until an agent answers. A queue
 * that does not exist or refuses the contact ends the call rather than leaving the caller in
 * silence.
 */
import type { IvrEffect, PromptLanguage } from '@switchboard/ivr';
import type { QueueAnnouncer } from './queue-announcer';
import type { CallCommands, Contacts, VoiceLogger } from './voice-deps';
import type { InboundCall } from './voice-calls';
import type { QueueDirectory } from './voice-ports';

type RouteToQueue = Extract<IvrEffect, { type: 'RouteToQueue' }>;

/** Collaborators of {@link CallQueue}. */
export interface CallQueueOptions {
  readonly queues: QueueDirectory;
  readonly contacts: Contacts;
  readonly announcer: Pick<QueueAnnouncer, 'start' | 'stop'>;
  readonly control: CallCommands;
  readonly logger: VoiceLogger;
}

/** Puts IVR callers in routing's queues. */
export class CallQueue {
  constructor(private readonly o: CallQueueOptions) {}

  async enqueue(call: InboundCall, effect: RouteToQueue): Promise<void> {
    const { o } = this;
    const queueId = await o.queues.queueIdOf(call.tenantId, effect.queue);
    const settings = queueId === undefined ? undefined : await o.queues.settingsOf(call.tenantId, queueId);
    const profile = await call.profile;
    if (call.stage !== 'ivr') return; // the caller hung up meanwhile: no contact to create
    if (queueId === undefined || settings === undefined) {
      o.logger.error({ tenantId: call.tenantId, queue: effect.queue }, 'flow routes to an unknown queue');
      return this.giveUp(call);
    }
    // Set before enqueueing so a hang-up from now on abandons the contact (commands stay ordered).
    call.stage = 'queued';
    call.callbackOffered = settings.offerCallback && profile.number !== '';
    call.recorded = settings.recordCalls;
    o.announcer.start(call, settings, callerLanguage(effect, call));
    const queued = await o.contacts.enqueue(
      call.tenantId,
      {
        contactId: call.contactId,
        queueId,
        priority: effect.priority,
        arrivedAt: call.arrivedAt,
        attributes: { ...profile.contact, ...effect.attributes, entryPoint: call.entry.number },
        callbackNumber: profile.number,
        // The route node's skills: only agents who have them, besides the queue's own, are offered.
        ...(Object.keys(effect.skills).length > 0 && { requiredSkills: effect.skills }),
      },
      call.callId,
    );
    if (!queued.ok) {
      o.logger.error({ tenantId: call.tenantId, rejection: queued.error }, 'contact not queued');
      o.announcer.stop(call.legId);
      if (call.stage === 'queued') this.giveUp(call);
    }
  }

  /** Ends a call that cannot be queued; the hang-up collaborator records the end. */
  private giveUp(call: InboundCall): void {
    call.stage = 'done';
    void this.o.control.execute({ type: 'HangUp', legId: call.legId, cause: 'failed' });
  }
}

/**
 * The language the caller is addressed in while waiting: a `language` attribute the flow set on the
 * contact, else the language of the flow's last prompt, else Mandarin.
 */
export function callerLanguage(
  effect: Pick<RouteToQueue, 'attributes'>,
  call: Pick<InboundCall, 'language'>,
): PromptLanguage {
  const set = effect.attributes.language;
  if (set === 'en' || set === 'zh') return set;
  return call.language ?? 'zh';
}
