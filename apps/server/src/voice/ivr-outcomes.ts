/**
 * Where a call goes when its flow leaves the IVR: a queue ({@link CallQueue}), voicemail
 * ({@link VoicemailDesk}), a callback contact, an external number, or a hang-up. Each outcome is
 * one line to the collaborator that owns it.
 */
import type { IvrEffect, IvrEndReason } from '@switchboard/ivr';
import type { Clock, IdGenerator } from '@switchboard/kernel';
import type { CallJournal } from './call-journal';
import type { CallQueue } from './call-queue';
import type { IvrOutcomes } from './ivr-session';
import { callTarget, type CallCommands, type Contacts, type VoiceLogger } from './voice-deps';
import type { InboundCall, VoiceCalls } from './voice-calls';
import type { VoicemailDesk } from './voicemail-desk';
import type { OutboundDialer, QueueDirectory } from './voice-ports';

/** Collaborators of {@link callOutcomes}. */
export interface CallOutcomesOptions {
  readonly queue: CallQueue;
  readonly voicemail: VoicemailDesk;
  readonly queues: QueueDirectory;
  readonly contacts: Contacts;
  readonly control: CallCommands;
  readonly journal: CallJournal;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: VoiceLogger;
  /** The flow ended: the IVR session can be dropped. */
  readonly released: (call: InboundCall, reason: IvrEndReason) => void;
  readonly calls: VoiceCalls;
  /** Calls out through the tenant's trunk; without it, transfers to numbers are refused. */
  readonly dialer?: OutboundDialer;
}

/** The IVR's exits, carried out. */
export function callOutcomes(o: CallOutcomesOptions): IvrOutcomes {
  return {
    route: (call, effect) => void o.queue.enqueue(call, effect),
    voicemail: (call, e) => void startVoicemail(o, call, e),
    callback: (call, effect) => void requestCallback(o, call, effect),
    transfer: (call, effect) => void transferOut(o, call, effect),
    hangUp: (call, cause) =>
      void o.control.execute({
        type: 'HangUp',
        legId: call.legId,
        cause: cause === 'normal' ? 'normal' : 'failed',
      }),
    ended: (call, reason) => o.released(call, reason),
  };
}

/**
 * Voicemail from the flow: the message goes to the agents of the node's queue, or of the queue
 * whose code is the mailbox name; with neither it is filed on the timeline only.
 */
async function startVoicemail(
  o: CallOutcomesOptions,
  call: InboundCall,
  e: Extract<IvrEffect, { type: 'StartVoicemail' }>,
): Promise<void> {
  const queueId = await o.queues.queueIdOf(call.tenantId, e.queue ?? e.mailbox);
  if (queueId === undefined)
    o.logger.warn({ tenantId: call.tenantId, mailbox: e.mailbox, queue: e.queue }, 'voicemail for no queue');
  await o.voicemail.take(call, {
    mailbox: e.mailbox,
    maxSeconds: e.maxSeconds,
    beep: e.beep,
    ...(queueId === undefined ? {} : { queueId }),
  });
}

/**
 * "Press 1 to be called back": a separate callback contact keeps the caller's place in the queue,
 * so this call can end while routing later reserves an agent and asks for the call-out.
 */
async function requestCallback(
  o: CallOutcomesOptions,
  call: InboundCall,
  effect: Extract<IvrEffect, { type: 'OfferCallback' }>,
): Promise<void> {
  const queueId = await o.queues.queueIdOf(call.tenantId, effect.queue);
  if (queueId === undefined) {
    o.logger.error({ tenantId: call.tenantId, queue: effect.queue }, 'callback for an unknown queue');
    return;
  }
  const contactId = `${call.contactId}-callback`;
  const profile = await call.profile;
  const request = {
    contactId,
    queueId,
    priority: effect.priority,
    arrivedAt: call.arrivedAt,
    attributes: { ...profile.contact, callbackFor: call.contactId },
    callbackNumber: effect.number,
  };
  const queued = await o.contacts.enqueue(call.tenantId, request, call.callId);
  const requested = queued.ok
    ? await o.contacts.send(
        call.tenantId,
        { type: 'RequestCallback', contactId, callbackNumber: effect.number },
        call.callId,
      )
    : queued;
  if (!requested.ok) o.logger.error({ contactId, rejection: requested.error }, 'callback not requested');
}

/**
 * External transfers need an outbound trunk per tenant, which the configuration does not hold yet:
 * the transfer is refused on the timeline and the caller released, rather than left in silence.
 */
type TransferExternal = Extract<IvrEffect, { type: 'TransferExternal' }>;

/**
 * "Transfer to an external number" from the flow: the number is dialed through the tenant's trunk
 * and bridged to the caller, who stays on our media until the far end answers (the bridge connects
 * media on answer, and either side hanging up ends the other). The caller's leg stays ours, so the
 * call is still recorded in the event log and can be released by a supervisor.
 */
async function transferOut(
  o: CallOutcomesOptions,
  call: InboundCall,
  effect: TransferExternal,
): Promise<void> {
  const route = o.dialer === undefined ? undefined : await o.dialer.route(call.tenantId, effect.number);
  if (route === undefined || !route.ok) return refuseTransfer(o, call, effect, 'no-outbound-trunk');
  const out = await o.control.execute({
    type: 'Originate',
    request: { targets: route.value.targets, callerId: route.value.callerId, role: 'customer' },
  });
  const legId = out.ok ? out.value.legId : undefined;
  if (legId === undefined) return refuseTransfer(o, call, effect, 'originate-failed');
  const bridged = await o.control.execute({ type: 'Bridge', legIds: [call.legId, legId] });
  if (!bridged.ok) {
    void o.control.execute({ type: 'HangUp', legId, cause: 'failed' });
    return refuseTransfer(o, call, effect, 'bridge-failed');
  }
  if (call.stage === 'ivr') call.stage = 'transferred';
  o.calls.transferredTo(call, legId);
  const data = { contactId: call.contactId, number: effect.number, legId, at: o.clock.now() };
  void o.journal.append(callTarget(call, `${call.legId}/transfer`), [{ type: 'CallTransferredOut', data }]);
}

function refuseTransfer(
  o: CallOutcomesOptions,
  call: InboundCall,
  effect: TransferExternal,
  reason: string,
): void {
  const data = {
    contactId: call.contactId,
    number: effect.number,
    reason,
    at: o.clock.now(),
  };
  void o.journal.append(callTarget(call, `${call.legId}/transfer`), [{ type: 'CallTransferRefused', data }]);
  void o.control.execute({ type: 'HangUp', legId: call.legId, cause: 'unavailable' });
}
