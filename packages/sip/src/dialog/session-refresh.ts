import type { Random } from '@switchboard/kernel';
import type { HeaderField } from '../message/header-field';
import { getHeader, getHeaderValues, type SipMessage, type SipResponse } from '../message/sip-message';
import type { Dialog } from './dialog';
import type { DialogEntry } from './dialog-registry';
import { parseSessionExpires } from './session-timer';

/** The body of a session description we sent, kept to offer it again in a refresh. */
export interface SentSdp {
  readonly body: string;
  readonly contentType: string;
}

/** What {@link SessionRefresher} needs from the user-agent core. */
export interface SessionRefreshContext {
  readonly random: Random;
  /** Sends `method` in the dialog; `onFinal` gets its final response. False when it could not be sent. */
  send(
    entry: DialogEntry,
    method: 'UPDATE' | 'INVITE',
    headers: readonly HeaderField[],
    sdp: SentSdp | undefined,
    onFinal: (response: SipResponse) => void,
  ): boolean;
  /** Restarts the session timer after a successful refresh. */
  restart(entry: DialogEntry, intervalSeconds: number, weRefresh: boolean): void;
  /** Ends the session `ms` from now unless something refreshes it first. */
  expireIn(entry: DialogEntry, ms: number): void;
  /** Sends BYE and ends the dialog. */
  hangUp(entry: DialogEntry): void;
  /** Runs `action` after `ms`. */
  later(ms: number, action: () => void): void;
}

/** What we know of a dialog for refreshing it. */
interface RefreshState {
  /** The methods the peer listed in its last Allow; unknown until it sends one. */
  peerAllow?: ReadonlySet<string>;
  /** The peer answered 405 or 501 to an UPDATE refresh: use re-INVITE from then on. */
  updateRefused?: boolean;
  /** Our current session description (the last one we offered or answered). */
  sdp?: SentSdp;
}

const SDP = 'application/sdp';

/**
 * Session refreshes where we are the refresher (RFC 4028 §7.4, §9, §10). UPDATE is used only when
 * the peer listed it in Allow (§7.4, RFC 3311 §5.1), otherwise a re-INVITE offering our current
 * session description unchanged (RFC 3264 §8: same `o=` version, since nothing changed). The
 * refresh carries the interval in force with us as refresher. Its outcome:
 *
 * - 2xx: the timer restarts from the answer's Session-Expires;
 * - 405 or 501 to an UPDATE: the peer does not do UPDATE after all, a re-INVITE follows at once;
 * - 422: once more with the peer's Min-SE as the interval (§7.4, §6);
 * - 491: glare with the peer's own re-INVITE; again after RFC 3261 §14.1's random wait;
 * - 481, 408 (also a timeout) or a transport failure: the dialog is gone, BYE (§10);
 * - any other failure: the session was not refreshed and expires when its interval runs out.
 */
export class SessionRefresher {
  private readonly states = new WeakMap<Dialog, RefreshState>();

  constructor(private readonly ctx: SessionRefreshContext) {}

  /** Notes the peer's Allow from a request or response of the dialog; no Allow leaves it unknown. */
  notePeer(dialog: Dialog, message: SipMessage): void {
    const allow = getHeaderValues(message, 'Allow');
    if (allow.length === 0) return;
    this.state(dialog).peerAllow = new Set(allow.map((m) => m.toUpperCase()));
  }

  /** Notes a body we sent in the dialog when it is a session description. */
  noteSent(dialog: Dialog, body: string | Uint8Array | undefined, contentType: string | undefined): void {
    if (body === undefined || body.length === 0) return;
    const type = contentType?.split(';')[0]?.trim().toLowerCase();
    if (type !== SDP) return;
    const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
    this.state(dialog).sdp = { body: text, contentType: contentType ?? SDP };
  }

  /** Our turn to refresh `entry`'s session. */
  refresh(entry: DialogEntry): void {
    const s = this.state(entry.dialog);
    const useUpdate =
      s.sdp === undefined || (s.peerAllow?.has('UPDATE') === true && s.updateRefused !== true);
    this.send(entry, useUpdate ? 'UPDATE' : 'INVITE');
  }

  private send(entry: DialogEntry, method: 'UPDATE' | 'INVITE'): void {
    const interval = entry.sessionInterval ?? 1800;
    const headers: HeaderField[] = [
      { name: 'Session-Expires', value: `${interval};refresher=uac` },
      { name: 'Supported', value: 'timer' },
    ];
    const s = this.state(entry.dialog);
    const sdp = method === 'INVITE' ? s.sdp : undefined;
    const sent = this.ctx.send(entry, method, headers, sdp, (r) => this.answered(entry, method, r));
    if (!sent) this.ctx.hangUp(entry);
  }

  private answered(entry: DialogEntry, method: 'UPDATE' | 'INVITE', response: SipResponse): void {
    const status = response.status;
    if (status < 200 || entry.dialog.state === 'terminated') return;
    if (status < 300) {
      this.notePeer(entry.dialog, response);
      const se = parseSessionExpires(getHeader(response, 'Session-Expires') ?? '');
      if (se !== undefined) this.ctx.restart(entry, se.interval, se.refresher !== 'uas');
      return;
    }
    const s = this.state(entry.dialog);
    if (method === 'UPDATE' && (status === 405 || status === 501) && s.sdp !== undefined) {
      s.updateRefused = true;
      this.send(entry, 'INVITE');
    } else if (status === 422) {
      const minSe = Number(getHeader(response, 'Min-SE')?.split(';')[0]?.trim());
      const interval = entry.sessionInterval ?? 1800;
      if (Number.isInteger(minSe) && minSe > interval) {
        entry.sessionInterval = minSe;
        this.send(entry, method);
      } else this.expire(entry);
    } else if (status === 491) {
      // RFC 3261 §14.1: the Call-ID owner waits 2.1–4 s, the other side 0–2 s.
      const wait =
        entry.dialog.role === 'uac' ? 2100 + this.ctx.random.next() * 1900 : this.ctx.random.next() * 2000;
      this.ctx.later(Math.floor(wait), () => {
        if (entry.dialog.state !== 'terminated') this.send(entry, method);
      });
    } else if (status === 481 || status === 408) this.ctx.hangUp(entry);
    else this.expire(entry);
  }

  /** We refreshed at half the interval; the session runs out at its end, less §10's margin. */
  private expire(entry: DialogEntry): void {
    const ms = (entry.sessionInterval ?? 1800) * 1000;
    this.ctx.expireIn(entry, Math.max(0, ms / 2 - Math.min(32_000, ms / 3)));
  }

  private state(dialog: Dialog): RefreshState {
    let s = this.states.get(dialog);
    if (s === undefined) {
      s = {};
      this.states.set(dialog, s);
    }
    return s;
  }
}
