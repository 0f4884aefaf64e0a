import { randomBytes } from 'node:crypto';
import type { Clock, IdGenerator } from '@switchboard/kernel';

/**
 * RFC 9562 UUIDv7 ids: 48-bit millisecond timestamp, then random bits. Ids sort by creation time,
 * which keeps B-tree inserts local and gives rows created in the same millisecond a stable order
 * (a 12-bit counter in `rand_a` increases within one millisecond).
 */
export function uuidV7Ids(clock: Clock): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  return {
    next() {
      const ms = Math.max(clock.now(), lastMs);
      counter = ms === lastMs ? counter + 1 : 0;
      lastMs = ms;
      if (counter > 0xfff) {
        // Counter exhausted within one millisecond: borrow the next millisecond rather than repeat.
        lastMs = ms + 1;
        counter = 0;
      }
      const bytes = randomBytes(16);
      const time = BigInt(lastMs);
      for (let i = 0; i < 6; i++) bytes[i] = Number((time >> BigInt(8 * (5 - i))) & 0xffn);
      bytes[6] = 0x70 | (counter >> 8);
      bytes[7] = counter & 0xff;
      bytes[8] = 0x80 | (bytes[8]! & 0x3f);
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
}
