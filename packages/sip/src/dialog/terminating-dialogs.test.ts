import { describe, expect, it } from 'vitest';
import { rejection } from '@switchboard/kernel';
import type { SipResponse } from '../message/sip-message';
import { TerminatingDialogs } from './terminating-dialogs';

const NO_USER = { receiveResponse: () => undefined, transportError: () => undefined };
const response = (status: number) => ({ status }) as SipResponse;

describe('TerminatingDialogs (RFC 5407 §3.1.1)', () => {
  it('remembers a dialog until its BYE has a final response, not a provisional one', () => {
    const t = new TerminatingDialogs();
    const seen: number[] = [];
    const user = t.track('d1', { ...NO_USER, receiveResponse: (r) => seen.push(r.status) });
    user.receiveResponse(response(100));
    expect(t.has('d1')).toBe(true);
    user.receiveResponse(response(481));
    expect(t.has('d1')).toBe(false);
    expect(seen).toEqual([100, 481]);
  });

  it('forgets a dialog whose BYE could not be sent', () => {
    const t = new TerminatingDialogs();
    t.track('d1', NO_USER).transportError(rejection('SIP.TRANSPORT_CLOSED', 'closed'));
    expect(t.size).toBe(0);
  });

  it('keeps only the newest dialogs when a peer never answers', () => {
    const t = new TerminatingDialogs(2);
    for (const key of ['a', 'b', 'c']) t.track(key, NO_USER);
    expect([t.has('a'), t.has('b'), t.has('c')]).toEqual([false, true, true]);
  });
});
