import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../message/parse-message';
import type { SipRequest } from '../message/sip-message';
import { replacedDialogId, replacesForDialog, replacesOf } from './replaces';

const fixture = (name: string): SipRequest => {
  const parsed = parseMessage(
    new Uint8Array(readFileSync(new URL(`../../fixtures/${name}.sip`, import.meta.url))),
  );
  if (!parsed.ok || parsed.value.kind !== 'request') throw new Error(`fixture ${name} is not a request`);
  return parsed.value;
};

describe('the Replaces of a received INVITE (RFC 3891 §3, §6.1)', () => {
  it("reads a reloaded softphone's Replaces, unquoting a quoted tag", () => {
    const replaces = replacesOf(fixture('invite-replaces'));
    expect(replaces).toEqual({
      ok: true,
      value: { callId: '3kq7xz0p@203.0.113.10', toTag: 'sb-91c4e2', fromTag: 'a7f0d3', earlyOnly: false },
    });
    // The to-tag names the recipient's side of the replaced dialog: our local tag.
    if (replaces.ok && replaces.value !== undefined)
      expect(replacedDialogId(replaces.value)).toEqual({
        callId: '3kq7xz0p@203.0.113.10',
        localTag: 'sb-91c4e2',
        remoteTag: 'a7f0d3',
      });
  });

  it('is undefined for an INVITE without one', () => {
    const invite = fixture('invite-replaces');
    const without = { ...invite, headers: invite.headers.filter((h) => h.name !== 'Replaces') };
    expect(replacesOf(without)).toEqual({ ok: true, value: undefined });
  });

  it('refuses two Replaces headers, one without from-tag, and one outside an INVITE (400)', () => {
    const twice = replacesOf(fixture('invite-replaces.twice'));
    expect(twice.ok ? undefined : twice.error.code).toBe('SIP.BAD_REPLACES');
    const noFromTag = replacesOf(fixture('invite-replaces.no-from-tag'));
    expect(noFromTag.ok ? undefined : noFromTag.error.code).toBe('SIP.BAD_REPLACES');
    const bye = replacesOf({ ...fixture('invite-replaces'), method: 'BYE' });
    expect(bye.ok ? undefined : bye.error.message).toBe('Replaces outside an INVITE');
  });

  it('names, for the transfer target, the dialog our side holds with it', () => {
    const id = { callId: 'c1', localTag: 'ours', remoteTag: 'theirs' };
    // What the target receives names its own tag as to-tag: it finds its dialog with replacedDialogId.
    const sent = replacesForDialog(id, true);
    expect(sent).toEqual({ callId: 'c1', toTag: 'theirs', fromTag: 'ours', earlyOnly: true });
    expect(replacedDialogId(sent)).toEqual({ callId: 'c1', localTag: 'theirs', remoteTag: 'ours' });
  });
});
