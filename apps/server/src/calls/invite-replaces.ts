import type { Rejection, Result } from '@switchboard/kernel';
import {
  isOnHold,
  parseSdp,
  replacedDialogId,
  tagOf,
  type Dialog,
  type DialogId,
  type Replaces,
  type ServerTransaction,
  type SipRequest,
} from '@switchboard/sip';
import type { CallContext } from './call-context';
import type { LegId } from './call-events';
import { EndedDialogs } from './ended-dialogs';
import type { Leg } from './leg';
import { isConnected } from './leg-state';
import type { RemoteHoldListener } from './re-invite-exchange';
import { sdpBody } from './sdp-body';
import { reasonPhrase } from './sip-status';

/**
 * An INVITE carrying Replaces (RFC 3891) that names one of our legs' dialogs: its far end moves
 * the leg to a new dialog. A browser softphone back after a reload sends it with a new WebRTC
 * offer; another desk phone of the same SIP user sends it with plain RTP. The leg stays (its
 * bridge, recording, hold and transfers are untouched); only its dialog changes:
 *
 * ```
 *   INVITE + Replaces ─▶ match (§3) ─▶ same peer (§6)? ─▶ 100 Trying ─▶ media answers the offer
 *        │ 400 malformed    │ 481 unknown / early   │ 403                    │ 488 refused
 *        │                  │ 603 already ended     │ 486 early-only         ▼
 *        ▼                  ▼                       ▼              200 OK (new dialog) ─▶ BYE old
 * ```
 *
 * Matching (§3): Call-ID, to-tag as our local tag and from-tag as the peer's; the swapped reading
 * is tried too, as for REFER, and cannot match anyone else's dialog. Only an answered leg is
 * taken over: an early dialog gets 481 (§3 for dialogs we did not initiate; replacing our own
 * ringing INVITE, call pickup, is not done here). Authorization (§6): the INVITE's authenticated
 * identity must be the leg's peer ({@link Leg.peer}: the extension that registered the contact we
 * rang, or that placed the call), else 403. The old dialog gets BYE once the new one is answered;
 * its flow may be dead (a reloaded page's WebSocket), so whatever becomes of that BYE concerns
 * nobody: the leg already belongs to the new dialog.
 */
export class InviteReplaces {
  private readonly ended: EndedDialogs;
  private readonly taking = new Set<LegId>();

  constructor(
    private readonly ctx: CallContext,
    private readonly remoteHold: RemoteHoldListener,
  ) {
    this.ended = new EndedDialogs(ctx.clock);
  }

  /** Takeovers waiting for their media answer (for leak checks). */
  get size(): number {
    return this.taking.size;
  }

  /** A dialog of ours ended: a Replaces naming it now gets 603. */
  dialogEnded(dialog: Dialog): void {
    this.ended.add(dialog.id);
  }

  /** An out-of-dialog INVITE with `replaces`; `peer` is the identity its sender proved, if any. */
  receive(request: SipRequest, tx: ServerTransaction, replaces: Replaces, peer: string | undefined): void {
    const named = replacedDialogId(replaces);
    const swapped = { callId: named.callId, localTag: named.remoteTag, remoteTag: named.localTag };
    const leg = this.legOf(named) ?? this.legOf(swapped);
    if (leg === undefined)
      return this.refuse(tx, this.ended.has(named) || this.ended.has(swapped) ? 603 : 481);
    const refusal = this.refusal(leg, replaces, peer);
    if (refusal !== undefined) return this.refuse(tx, refusal);
    void this.takeOver(leg, request, tx);
  }

  /** Why `leg` may not be taken over by this INVITE, as a status; undefined when it may. */
  private refusal(leg: Leg, replaces: Replaces, peer: string | undefined): number | undefined {
    if (!isConnected(leg.state)) return 481;
    if (leg.peer === undefined || peer !== leg.peer) return 403;
    // §3: early-only, but the dialog is confirmed.
    if (replaces.earlyOnly) return 486;
    // One takeover at a time: the first one's answer is still being made.
    if (this.taking.has(leg.id)) return 491;
    return undefined;
  }

  private async takeOver(leg: Leg, request: SipRequest, tx: ServerTransaction): Promise<void> {
    const { ctx } = this;
    const endpoint = leg.endpoint;
    const old = leg.dialog;
    if (endpoint === undefined || old === undefined) return this.refuse(tx, 500);
    this.taking.add(leg.id);
    // A browser's answer waits for ICE gathering: tell the phone at once (RFC 3261 §17.2.1).
    ctx.core.respond(tx, 100, 'Trying');
    const offer = sdpBody(request);
    let answer: Result<string, Rejection>;
    try {
      answer =
        ctx.media.answerTakeover === undefined
          ? offer === undefined
            ? ctx.media.createOffer(endpoint, leg.heldLocally ? 'sendonly' : 'sendrecv')
            : ctx.media.answerOffer(endpoint, offer)
          : await ctx.media.answerTakeover(endpoint, offer);
    } finally {
      this.taking.delete(leg.id);
    }
    // Hung up or taken over by someone else meanwhile (§3: 603), or cancelled (487 sent, §9.2).
    if (leg.terminated || leg.dialog !== old) return this.refuse(tx, 603);
    if (tx.terminated || (tx.response?.status ?? 0) >= 200) return;
    if (!answer.ok) return this.refuse(tx, Number(answer.error.details?.status ?? 488));
    const sent = ctx.core.respond(tx, 200, 'OK', { body: answer.value, contentType: 'application/sdp' });
    if (!sent.ok) return;
    const localTag = tagOf(sent.value.to);
    const remoteTag = tagOf(request.from);
    const entry =
      localTag === undefined || remoteTag === undefined
        ? undefined
        : ctx.core.dialogs.get({ callId: request.callId, localTag, remoteTag });
    if (entry === undefined) return;
    // The new dialog first: the old one's end must no longer find the leg (it would hang it up).
    ctx.legs.rebindDialog(leg, entry.dialog);
    leg.answerInAck = offer === undefined;
    ctx.core.bye(old);
    ctx.emit({
      type: 'LegDialogReplaced',
      legId: leg.id,
      at: ctx.clock.now(),
      callId: request.callId,
      replacedCallId: old.id.callId,
    });
    const parsed = offer === undefined ? undefined : parseSdp(offer);
    if (parsed?.ok === true) this.remoteHold(leg, isOnHold(parsed.value));
  }

  private legOf(id: DialogId): Leg | undefined {
    const leg = this.ctx.legs.forDialog(id);
    return leg === undefined || leg.terminated ? undefined : leg;
  }

  private refuse(tx: ServerTransaction, status: number): void {
    if (tx.terminated || (tx.response?.status ?? 0) >= 200) return;
    this.ctx.core.respond(tx, status, reasonPhrase(status));
  }
}
