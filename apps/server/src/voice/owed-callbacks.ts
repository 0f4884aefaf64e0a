import { journalTarget, type OwedAttempt, type OwedLegs } from './owed-attempt';
import type { OwedContactsOptions } from './owed-contacts';

/**
 * The callback side of owed contacts: once the agent answers, the customer is dialed through the
 * {@link OwedContactsOptions.dialer} while the agent hears music; when the customer answers the
 * contact is answered and the two are bridged (recorded like any call). A customer who is busy or
 * does not answer is `ReportCallbackFailed`, which routing retries per the queue's policy.
 */
export class OwedCallbacks {
  constructor(
    private readonly o: Pick<
      OwedContactsOptions,
      'dialer' | 'control' | 'contacts' | 'music' | 'journal' | 'clock' | 'logger' | 'recording'
    >,
    private readonly legs: OwedLegs,
  ) {}

  /** The agent answered: music for the agent, and the customer's number dialed. */
  async dial(a: OwedAttempt): Promise<void> {
    const { o } = this;
    a.phase = 'connecting';
    o.music.start(a.agentLeg!);
    const route = o.dialer === undefined ? undefined : await o.dialer.route(a.tenantId, a.number);
    if (a.phase !== 'connecting' || a.withdrawn) return;
    if (route === undefined || !route.ok) {
      o.logger.warn(
        { contactId: a.contactId, rejection: route?.error },
        'callback not placed: no outbound route',
      );
      return this.failed(a, 'unavailable', null);
    }
    const out = await o.control.execute({
      type: 'Originate',
      request: {
        targets: route.value.targets,
        callerId: route.value.callerId,
        timeoutMs: Math.max(1000, a.until - o.clock.now()),
        role: 'customer',
      },
    });
    if (!out.ok || out.value.legId === undefined) return this.failed(a, 'failed', null);
    a.customerLeg = out.value.legId;
    this.legs.bind(a, a.customerLeg);
    void o.journal.append(journalTarget(a, a.customerLeg), [
      {
        type: 'CallbackDialed',
        data: {
          contactId: a.contactId,
          agentId: a.agentId,
          agentLegId: a.agentLeg!,
          customerLegId: a.customerLeg,
          at: o.clock.now(),
        },
      },
    ]);
    if (a.withdrawn || a.phase !== 'connecting') this.legs.hangUp(a.customerLeg, 'cancelled');
  }

  /** The customer answered: the contact is answered and the customer bridged to the agent. */
  async answered(a: OwedAttempt): Promise<void> {
    const { o } = this;
    if (a.withdrawn || a.phase !== 'connecting') return this.legs.hangUp(a.customerLeg, 'cancelled');
    a.phase = 'talking';
    const answered = await o.contacts.answer(a.tenantId, a.contactId, a.agentId);
    if (!answered.ok) {
      o.logger.warn(
        { contactId: a.contactId, rejection: answered.error },
        'callback answer refused by routing',
      );
      a.withdrawn = true;
      return this.legs.finish(a, 'cancelled');
    }
    o.music.stop(a.agentLeg!);
    const path = await this.recordingPathFor(a);
    const bridged = await o.control.execute({
      type: 'Bridge',
      // The customer first: recordings put the customer on the left channel, the agent on the right.
      legIds: [a.customerLeg!, a.agentLeg!],
      ...(path === undefined ? {} : { recordingPath: path }),
    });
    if (!bridged.ok)
      o.logger.error({ contactId: a.contactId, rejection: bridged.error }, 'callback bridge failed');
    else
      void o.journal.append(journalTarget(a, a.customerLeg!), [
        {
          type: 'CallBridged',
          data: {
            contactId: a.contactId,
            agentId: a.agentId,
            callerLegId: a.customerLeg!,
            agentLegId: a.agentLeg!,
            at: o.clock.now(),
          },
        },
      ]);
  }

  /** The customer could not be reached (`cause`): routing is told, and retries per its policy. */
  async failed(a: OwedAttempt, cause: string, sipStatus: number | null): Promise<void> {
    const { o } = this;
    this.legs.finish(a, 'cancelled');
    void o.journal.append(journalTarget(a, a.customerLeg ?? a.contactId), [
      {
        type: 'CallbackFailed',
        data: { contactId: a.contactId, agentId: a.agentId, cause, sipStatus, at: o.clock.now() },
      },
    ]);
    const failed = await o.contacts.send(a.tenantId, {
      type: 'ReportCallbackFailed',
      contactId: a.contactId,
    });
    if (!failed.ok)
      o.logger.warn({ contactId: a.contactId, rejection: failed.error }, 'callback failure not taken');
  }

  private async recordingPathFor(a: OwedAttempt): Promise<string | undefined> {
    const { recording, logger } = this.o;
    if (recording === undefined) return undefined;
    try {
      return await recording.recordingPathFor({
        tenantId: a.tenantId,
        contactId: a.contactId,
        callId: a.contactId,
      });
    } catch (e) {
      logger.error({ contactId: a.contactId, err: e }, 'recording not started');
      return undefined;
    }
  }
}
