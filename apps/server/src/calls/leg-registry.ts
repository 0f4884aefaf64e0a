import { dialogKey, type Dialog, type DialogId, type ServerTransaction } from '@switchboard/sip';
import type { LegId } from './call-events';
import type { Leg } from './leg';

/**
 * The live legs, found by id, by dialog (for in-dialog requests and dialog ends) and by INVITE server
 * transaction (for CANCEL). A leg leaves every index when it ends, so an empty registry after a test
 * proves nothing leaked.
 */
export class LegRegistry {
  private readonly byId = new Map<LegId, Leg>();
  private readonly byDialog = new Map<string, Leg>();
  private readonly byInvite = new Map<ServerTransaction, Leg>();

  get size(): number {
    return this.byId.size + this.byDialog.size + this.byInvite.size;
  }

  add(leg: Leg): void {
    this.byId.set(leg.id, leg);
    if (leg.invite !== undefined) this.byInvite.set(leg.invite, leg);
  }

  get(id: LegId): Leg | undefined {
    return this.byId.get(id);
  }

  forDialog(id: DialogId): Leg | undefined {
    return this.byDialog.get(dialogKey(id));
  }

  forInvite(transaction: ServerTransaction): Leg | undefined {
    return this.byInvite.get(transaction);
  }

  /** Indexes the leg under its dialog (set `leg.dialog` first). */
  bindDialog(leg: Leg): void {
    if (leg.dialog !== undefined) this.byDialog.set(dialogKey(leg.dialog.id), leg);
  }

  /** Moves the leg to `dialog` (INVITE with Replaces): the old dialog no longer finds it. */
  rebindDialog(leg: Leg, dialog: Dialog): void {
    if (leg.dialog !== undefined) this.byDialog.delete(dialogKey(leg.dialog.id));
    leg.dialog = dialog;
    this.byDialog.set(dialogKey(dialog.id), leg);
  }

  /** The INVITE got its final response: CANCEL can no longer match it. */
  releaseInvite(leg: Leg): void {
    if (leg.invite !== undefined) this.byInvite.delete(leg.invite);
    leg.invite = undefined;
  }

  remove(leg: Leg): void {
    this.byId.delete(leg.id);
    if (leg.dialog !== undefined) this.byDialog.delete(dialogKey(leg.dialog.id));
    this.releaseInvite(leg);
  }

  /** Every live leg, for shutdown. */
  all(): Leg[] {
    return [...this.byId.values()];
  }
}
