import { describe, expect, it } from 'vitest';
import { DtmfArbiter } from './dtmf-arbiter';

describe('DtmfArbiter', () => {
  it('reports a press seen by both sources once, whichever came first', () => {
    const a = new DtmfArbiter();
    expect(a.started('rfc4733', '5', 1000, true)).toBe(true);
    expect(a.started('in-band', '5', 1050)).toBe(false);
    a.ended('rfc4733', 1100);
    expect(a.started('in-band', '5', 1200)).toBe(false);
    const b = new DtmfArbiter();
    expect(b.started('in-band', '7', 1000)).toBe(true);
    expect(b.started('rfc4733', '7', 1040, true)).toBe(false);
  });

  it('keeps repeated presses of one key from one source, and different digits from both', () => {
    const a = new DtmfArbiter();
    expect(a.started('in-band', '1', 1000)).toBe(true);
    expect(a.started('in-band', '1', 1100)).toBe(true);
    expect(a.started('rfc4733', '2', 1120, true)).toBe(true);
    expect(a.started('in-band', '1', 1130)).toBe(true);
  });

  it('takes the other source again once the guard after a press has passed', () => {
    const a = new DtmfArbiter({ guardMs: 100 });
    expect(a.started('rfc4733', '9', 0, true)).toBe(true);
    expect(a.started('in-band', '9', 5000)).toBe(false);
    a.ended('rfc4733', 5000);
    expect(a.started('in-band', '9', 5101)).toBe(true);
  });
});
