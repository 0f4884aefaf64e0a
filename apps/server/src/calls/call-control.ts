import {
  ok,
  reject,
  type Clock,
  type IdGenerator,
  type Random,
  type Rejection,
  type Result,
  type Timers,
} from '@switchboard/kernel';
import {
  replacesOf,
  UserAgentCore,
  type Dialog,
  type DialogEndCause,
  type DialogId,
  type LocalEndpoint,
  type ServerTransaction,
  type SessionTimerPolicy,
  type SipRequest,
  type TimerValues,
  type Transport,
  type UserAgentHandler,
} from '@switchboard/sip';
import { BridgeLinks } from './bridge-links';
import type { CallContext } from './call-context';
import { CallEventBus, type CallEventListener } from './call-event-bus';
import type { CallCommand, CommandOutcome } from './call-commands';
import type { LegId } from './call-events';
import { DtmfRelay } from './dtmf-relay';
import { endLeg } from './end-leg';
import { HoldControl } from './hold-control';
import type { InboundCallHandler } from './inbound-call-handler';
import { InboundCalls } from './inbound-calls';
import { InviteReplaces } from './invite-replaces';
import { LegAudio } from './leg-audio';
import { LegFault } from './leg-fault';
import type { Leg } from './leg';
import { LegRegistry } from './leg-registry';
import { isConnected, type LegState } from './leg-state';
import type { MediaPort } from './media-port';
import { ALLOW } from './outbound-invite';
import { SERVER_CAPABILITIES } from './capabilities';
import { OutboundCalls } from './outbound-calls';
import { ReInviteExchange } from './re-invite-exchange';
import { ConferenceControl } from './conference-control';
import { MonitorControl } from './monitor-control';
import { ReferFromPhone } from './refer-from-phone';
import { REFUSE_REFERRALS, type ReferTargetResolver } from './refer-target-resolver';
import { RejoinGrace } from './rejoin-grace';
import { reasonPhrase } from './sip-status';
import { TransferControl } from './transfer-control';
import { dispatchCommand } from './dispatch-command';
import { handleInDialog } from './in-dialog-requests';

/** Everything call control is built from: the SIP seams, the ports, and the two application seams. */
export interface CallControlOptions {
  /** The sans-I/O seam to the sockets (see the folder README for what the adapter must do). */
  readonly transport: Transport;
  readonly local: LocalEndpoint;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly ids: IdGenerator;
  readonly media: MediaPort;
  readonly inbound: InboundCallHandler;
  readonly timerValues?: Partial<TimerValues>;
  readonly sessionTimer?: SessionTimerPolicy;
  /** Ring timeout of originated legs unless the command gives one; default 20 s. */
  readonly ringTimeoutMs?: number;
  /** Relay INFO DTMF to the bridged leg as well as reporting it; default true. */
  readonly relayDtmfInfo?: boolean;
  /**
   * Where a phone's REFER sends its partner (blind transfer, RFC 3515); without it every REFER is
   * declined 603. `registeredExtensionReferTargets` rings registered extensions.
   */
  readonly referTargets?: ReferTargetResolver;
  /** Out-of-dialog requests other than INVITE (REGISTER, MESSAGE, SUBSCRIBE…); default 405. */
  readonly otherRequest?: (request: SipRequest, transaction: ServerTransaction) => void;
  /**
   * How long an answered leg waits for a rejoin once its WebSocket closed ({@link CallControl.flowClosed});
   * default `REJOIN_GRACE_MS` (30 s).
   */
  readonly rejoinGraceMs?: number;
}

/** A read-only view of a leg, for the API and tests. */
export interface LegSnapshot {
  readonly id: LegId;
  readonly direction: Leg['direction'];
  readonly role: Leg['role'];
  readonly state: LegState;
  readonly heldLocally: boolean;
  readonly heldRemotely: boolean;
  readonly bridgedTo?: LegId;
  /** The leg's dialog (our local tag first), once a 1xx/2xx created it. */
  readonly dialog?: DialogId;
}

/** What is alive, for leak checks: all zero once every call is over and the timers have run. */
export interface CallActivity {
  readonly legs: number;
  readonly forks: number;
  readonly links: number;
  readonly transfers: number;
  readonly exchanges: number;
  readonly dialogs: number;
  readonly transactions: number;
  /** Legs waiting for a rejoin after their WebSocket closed, and takeovers being answered. */
  readonly rejoins: number;
  /** Legs whose audio is reported lost. */
  readonly silentLegs: number;
}

/**
 * The B2BUA call-control layer: commands in ({@link CallControl.execute}), events out
 * ({@link CallControl.onEvent}), SIP through a {@link UserAgentCore} it owns, media through a
 * {@link MediaPort}. It only wires small collaborators — inbound and outbound legs, bridge links,
 * hold, transfers, re-INVITE exchanges, DTMF — which meet through the legs and the event bus.
 * Sans-I/O: time, randomness, ids, sockets and media all come in through the options.
 */
export class CallControl implements UserAgentHandler {
  readonly core: UserAgentCore;
  private readonly ctx: CallContext;
  private readonly bus = new CallEventBus();
  private readonly legs = new LegRegistry();
  private readonly exchanges = new Map<LegId, ReInviteExchange>();
  private readonly inbound: InboundCalls;
  private readonly outbound: OutboundCalls;
  private readonly links: BridgeLinks;
  private readonly hold: HoldControl;
  private readonly transfers: TransferControl;
  private readonly dtmf: DtmfRelay;
  private readonly monitors: MonitorControl;
  private readonly conferences: ConferenceControl;
  private readonly refers: ReferFromPhone;
  private readonly replaces: InviteReplaces;
  private readonly grace: RejoinGrace;
  private readonly audio: LegAudio;
  private readonly faults: LegFault;

  constructor(private readonly options: CallControlOptions) {
    this.core = new UserAgentCore({ capabilities: SERVER_CAPABILITIES, ...options, handler: this });
    this.ctx = {
      core: this.core,
      legs: this.legs,
      bus: this.bus,
      media: options.media,
      clock: options.clock,
      timers: options.timers,
      random: options.random,
      ids: options.ids,
      local: options.local,
      end: (leg, ending, signal) => endLeg(this.ctx, leg, ending, signal),
      emit: (event) => this.bus.emit(event),
    };
    this.inbound = new InboundCalls(this.ctx, options.inbound);
    this.outbound = new OutboundCalls(this.ctx, options.ringTimeoutMs);
    this.links = new BridgeLinks(
      this.ctx,
      (id) => this.inbound.answer(id),
      // Only an answered caller off hold can be kept: held either way, our prompt or their keys
      // would not get through (RFC 3264 §5.1, sendonly/recvonly).
      (leg, ended) =>
        leg.direction === 'inbound' &&
        isConnected(leg.state) &&
        !leg.heldLocally &&
        !leg.heldRemotely &&
        options.inbound.keepAfterPartner?.(leg.id, ended) === true,
    );
    this.hold = new HoldControl(this.ctx, this.links, (leg) => this.exchangeOf(leg));
    this.transfers = new TransferControl(this.ctx, this.links, this.hold, this.outbound);
    this.dtmf = new DtmfRelay(this.ctx, this.links, options.relayDtmfInfo ?? true);
    this.monitors = new MonitorControl(this.ctx, this.links);
    this.conferences = new ConferenceControl(this.ctx, this.links);
    this.refers = new ReferFromPhone(this.ctx, this.transfers, options.referTargets ?? REFUSE_REFERRALS);
    this.replaces = new InviteReplaces(this.ctx, (l, held) => this.hold.remoteHold(l, held));
    this.grace = new RejoinGrace(this.ctx, options.rejoinGraceMs);
    this.audio = new LegAudio(this.ctx);
    options.media.onAudioReport?.((report) => this.audio.report(report));
    this.faults = new LegFault(this.ctx, this.links);
    options.media.onMediaFault?.((report) => this.faults.report(report));
    // Reported once per endpoint, possibly after its leg ended: a fact of the leg, whatever its state.
    options.media.onQualityReport?.(({ legId, quality }) =>
      this.ctx.emit({ type: 'LegMediaQuality', legId, at: this.ctx.clock.now(), quality }),
    );
    // Order matters: transfers unlink a transferring leg before the links propagate its hang-up.
    this.bus.onEvent((e) => this.transfers.onEvent(e));
    this.bus.onEvent((e) => this.links.onEvent(e));
    // After the links: a call's end or hold ends its monitoring and its added parties.
    this.bus.onEvent((e) => this.monitors.onEvent(e));
    this.bus.onEvent((e) => this.conferences.onEvent(e));
    // After the links: a failed phone transfer bridges back only once the failed link is gone.
    this.bus.onEvent((e) => this.refers.onEvent(e));
    this.bus.onEvent((e) => this.grace.onEvent(e));
    this.bus.onEvent((e) => this.audio.onEvent(e));
    this.bus.onEvent((e) => {
      if (e.type !== 'LegEnded') return;
      this.exchanges.get(e.legId)?.dispose();
      this.exchanges.delete(e.legId);
    });
  }

  /** Subscribes to every call event in order; returns the unsubscribe function. */
  onEvent(listener: CallEventListener): () => void {
    return this.bus.onEvent(listener);
  }

  /** Carries out a command; expected refusals come back as rejections with `CALLS.*` codes. */
  execute(command: CallCommand): Promise<Result<CommandOutcome, Rejection>> {
    return dispatchCommand(command, {
      inbound: this.inbound,
      outbound: this.outbound,
      links: this.links,
      hold: this.hold,
      transfers: this.transfers,
      monitors: this.monitors,
      conferences: this.conferences,
      hangUp: (legId, ending, keepPartner) => {
        const leg = this.legs.get(legId);
        if (leg === undefined) return reject('CALLS.UNKNOWN_LEG', 'No such leg', { legId });
        if (keepPartner) this.keepPartnerOf(leg);
        this.ctx.end(leg, ending, 'signal');
        return ok({});
      },
    });
  }

  /** The leg's current state, while it lives. */
  leg(legId: LegId): LegSnapshot | undefined {
    const leg = this.legs.get(legId);
    if (leg === undefined) return undefined;
    const { id, direction, role, state, heldLocally, heldRemotely } = leg;
    return {
      id,
      direction,
      role,
      state,
      heldLocally,
      heldRemotely,
      bridgedTo: this.links.partnerOf(leg)?.id,
      dialog: leg.dialog?.id,
    };
  }

  /** Counts of everything alive (legs, forks, links, dialogs, transactions…). */
  activity(): CallActivity {
    return {
      legs: this.legs.size,
      forks: this.outbound.size,
      links: this.links.size,
      transfers: this.transfers.size + this.refers.size,
      exchanges: this.exchanges.size,
      dialogs: this.core.dialogs.size,
      transactions: this.core.layer.clientCount + this.core.layer.serverCount,
      rejoins: this.grace.size + this.replaces.size,
      silentLegs: this.audio.size,
    };
  }

  /**
   * The connection `connectionId` (a browser's WebSocket) closed: answered legs whose dialog came
   * over it wait {@link CallControlOptions.rejoinGraceMs} for an INVITE with Replaces before they
   * end (see `RejoinGrace`).
   */
  flowClosed(connectionId: string): void {
    this.grace.flowClosed(connectionId);
  }

  /**
   * A new INVITE outside any dialog: a call, or, with Replaces (RFC 3891), a takeover of one of
   * our legs. `peer` is the identity its sender proved to the admission gate (the extension's
   * address of record), which a takeover must match; none without a gate.
   */
  receiveInvite(request: SipRequest, transaction: ServerTransaction, peer?: string): void {
    const replaces = replacesOf(request);
    // RFC 3891 §3: a malformed Replaces, or more than one, is answered 400.
    if (!replaces.ok) this.core.respond(transaction, 400, reasonPhrase(400));
    else if (replaces.value !== undefined) this.replaces.receive(request, transaction, replaces.value, peer);
    else this.inbound.receiveInvite(request, transaction, peer);
  }

  receiveRequest(request: SipRequest, transaction: ServerTransaction, dialog: Dialog | undefined): void {
    if (dialog !== undefined) {
      const leg = this.legs.forDialog(dialog.id);
      handleInDialog(this.core, leg, request, transaction, {
        exchange: (l) => this.exchangeOf(l),
        dtmf: this.dtmf,
        refer: this.refers,
      });
      return;
    }
    if (request.method === 'INVITE') this.receiveInvite(request, transaction);
    else if (this.options.otherRequest !== undefined) this.options.otherRequest(request, transaction);
    else
      this.core.respond(transaction, 405, 'Method Not Allowed', {
        headers: [{ name: 'Allow', value: ALLOW }],
      });
  }

  receiveAck(ack: SipRequest, dialog: Dialog): void {
    const leg = this.legs.forDialog(dialog.id);
    if (leg === undefined || !leg.answerInAck) return;
    leg.answerInAck = false;
    const sdp = ack.body.length > 0 ? new TextDecoder().decode(ack.body) : undefined;
    const applied =
      sdp === undefined || leg.endpoint === undefined
        ? undefined
        : this.ctx.media.acceptAnswer(leg.endpoint, sdp);
    // RFC 3264 §5: our offer in the 2xx must be answered in the ACK; without one the session fails.
    if (applied === undefined || !applied.ok)
      this.ctx.end(leg, { cause: 'media-failed', party: 'system' }, 'signal');
  }

  receiveCancel(_cancel: SipRequest, invite: ServerTransaction): void {
    this.inbound.receiveCancel(invite);
  }

  dialogEnded(dialog: Dialog, cause: DialogEndCause): void {
    this.replaces.dialogEnded(dialog);
    const leg = this.legs.forDialog(dialog.id);
    if (leg === undefined || leg.terminated || leg.dialog !== dialog) return;
    if (cause === 'bye-received') this.ctx.end(leg, { cause: 'normal', party: leg.remoteParty }, 'silent');
    else if (cause === 'ack-timeout' || cause === 'session-expired') {
      this.ctx.end(leg, { cause: 'timeout', party: 'system' }, 'silent');
    }
  }

  /** Unlinks `leg` so that its end does not hang up its partner, who hears music meanwhile. */
  private keepPartnerOf(leg: Leg): void {
    const partner = this.links.partnerOf(leg);
    this.links.unlink(leg);
    if (partner?.endpoint !== undefined && !partner.heldLocally)
      this.ctx.media.startMusicOnHold(partner.endpoint);
  }

  private exchangeOf(leg: Leg): ReInviteExchange {
    let x = this.exchanges.get(leg.id);
    if (x === undefined) {
      x = new ReInviteExchange(this.ctx, leg, (l, held) => this.hold.remoteHold(l, held));
      this.exchanges.set(leg.id, x);
    }
    return x;
  }
}
