import type { Destination } from '../transaction/transport';
import type { SipRequest } from '../message/sip-message';
import type { Dialog } from './dialog';
import { dialogKey, type DialogId } from './dialog-id';
import type { Invite2xxRetransmitter } from './invite-2xx-retransmitter';
import type { SessionTimer } from './session-timer';

/** Why a dialog ended, as reported to the application. */
export type DialogEndCause =
  'bye-received' | 'bye-sent' | 'ack-timeout' | 'session-expired' | 'rejected' | 'cancelled' | 'forked-away';

/** A dialog with the timers and messages the user-agent core keeps for it. */
export interface DialogEntry {
  readonly dialog: Dialog;
  /** UAS: the 2xx being retransmitted until ACK, by INVITE CSeq number (§13.3.1.4). */
  retransmitter?: { readonly seq: number; readonly timer: Invite2xxRetransmitter };
  /** UAC: the last ACK sent for a 2xx, re-sent when that 2xx is retransmitted (§13.2.2.4). */
  lastAck?: { readonly seq: number; readonly ack: SipRequest; readonly destination: Destination };
  sessionTimer?: SessionTimer;
  /** The session interval in force, seconds (RFC 4028). */
  sessionInterval?: number;
}

/** The dialogs of a user-agent core by id; ending a dialog stops its timers and forgets it. */
export class DialogRegistry {
  private readonly entries = new Map<string, DialogEntry>();

  constructor(private readonly ended: (dialog: Dialog, cause: DialogEndCause) => void) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: DialogId): DialogEntry | undefined {
    return this.entries.get(dialogKey(id));
  }

  add(dialog: Dialog): DialogEntry {
    const entry: DialogEntry = { dialog };
    this.entries.set(dialogKey(dialog.id), entry);
    return entry;
  }

  /** Every live dialog created by our request with this Call-ID and From tag (forks of one INVITE). */
  forksOf(callId: string, localTag: string): DialogEntry[] {
    const out: DialogEntry[] = [];
    for (const e of this.entries.values()) {
      if (e.dialog.id.callId === callId && e.dialog.id.localTag === localTag) out.push(e);
    }
    return out;
  }

  end(entry: DialogEntry, cause: DialogEndCause): void {
    const key = dialogKey(entry.dialog.id);
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    entry.retransmitter?.timer.stop();
    entry.sessionTimer?.stop();
    entry.dialog.terminate();
    this.ended(entry.dialog, cause);
  }
}
