import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessage } from './parse-message';
import { serializeMessage } from './serialize-message';
import type { SipMessage } from './sip-message';
import { StreamFramer } from './stream-framer';

const SEEDS = [
  'invite-trunk',
  'invite-webrtc',
  'register-digest',
  'response-401',
  'bye-compact',
  'rfc4475-wsinv',
  'rfc4475-intmeth',
  'rfc4475-esc01',
].map((n) => new Uint8Array(readFileSync(new URL(`../../fixtures/${n}.sip`, import.meta.url))));

const semantic = (m: SipMessage): unknown => ({
  ...m,
  headers: m.headers.filter((h) => h.name !== 'Content-Length'),
  body: [...m.body],
});

/** A parse outcome must be a message or a coded rejection, never an exception. */
function checkOutcome(bytes: Uint8Array): void {
  const r = parseMessage(bytes);
  if (!r.ok) {
    expect(r.error.code).toMatch(/^SIP\./);
    expect(r.error.message).not.toMatch(/[\r\n]/);
    return;
  }
  const again = parseMessage(serializeMessage(r.value));
  if (!again.ok) throw new Error(`reparse failed: ${again.error.code} ${again.error.message}`);
  expect(semantic(again.value)).toEqual(semantic(r.value));
}

/** Mutations of valid messages: byte flips, insertions of SIP-significant characters, deletions, cuts. */
const mutated = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('flip', 'insert', 'delete', 'cut'),
        fc.constantFrom(
          0x00,
          0x0a,
          0x0d,
          0x20,
          0x22,
          0x2c,
          0x3a,
          0x3b,
          0x3c,
          0x3e,
          0x40,
          0x5c,
          0x25,
          0xff,
          0x09,
        ),
      ),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map(([seed, edits]) => {
    let bytes = [...seed];
    for (const [pos, op, ch] of edits) {
      const i = bytes.length === 0 ? 0 : pos % bytes.length;
      if (op === 'flip') bytes[i] = ch;
      else if (op === 'insert') bytes.splice(i, 0, ch);
      else if (op === 'delete') bytes.splice(i, 1);
      else bytes = bytes.slice(0, i);
    }
    return Uint8Array.from(bytes);
  });

describe('parser fuzzing', () => {
  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => checkOutcome(b)),
      { numRuns: 2000 },
    );
  });

  it('never throws on random SIP-looking text', () => {
    const line = fc.stringMatching(/^[ -~\t]{0,60}$/);
    const text = fc
      .tuple(
        fc.constantFrom('INVITE sip:a@b SIP/2.0', 'SIP/2.0 200 OK', 'X y z'),
        fc.array(line, { maxLength: 12 }),
      )
      .map(([start, lines]) => [start, ...lines, '', ''].join('\r\n'));
    fc.assert(
      fc.property(text, (t) => checkOutcome(new TextEncoder().encode(t))),
      { numRuns: 2000 },
    );
  });

  it('on mutated valid messages, returns Ok or a coded rejection, and Ok ones reparse identically', () => {
    fc.assert(
      fc.property(mutated, (b) => checkOutcome(b)),
      { numRuns: 3000 },
    );
  });

  it('the stream framer never throws and frames any chunking of valid messages identically', () => {
    const stream = new Uint8Array(SEEDS.reduce((n, s) => n + s.length, 0));
    let off = 0;
    for (const s of SEEDS) {
      stream.set(s, off);
      off += s.length;
    }
    const cuts = fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 20 });
    fc.assert(
      fc.property(cuts, (points) => {
        const f = new StreamFramer();
        const sorted = [0, ...new Set(points)].sort((a, b) => a - b);
        const frames = [];
        for (let k = 0; k < sorted.length; k++)
          frames.push(...f.push(stream.subarray(sorted[k], sorted[k + 1] ?? stream.length)));
        expect(frames.map((x) => (x.type === 'message' ? x.bytes.length : x.type))).toEqual(
          SEEDS.map((s) => s.length),
        );
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (chunks) => {
        const f = new StreamFramer({ maxMessageSize: 1000 });
        for (const c of chunks) f.push(c);
      }),
      { numRuns: 500 },
    );
  });
});
