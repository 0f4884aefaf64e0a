import { randomFillSync } from 'node:crypto';
import type { Clock, IdGenerator } from '@switchboard/kernel';

/** Random bytes drawn from the system at a time: one draw per 512 ids rather than one per id. */
const POOL_BYTES = 4096;
/** Random bytes per id: 62 bits of `rand_b` rounded up to whole bytes. */
const RANDOM_BYTES = 8;

/**
 * RFC 9562 UUIDv7 ids: 48-bit millisecond timestamp, then random bits. Ids sort by creation time,
 * which keeps B-tree inserts local and gives rows created in the same millisecond a stable order
 * (a 12-bit counter in `rand_a` increases within one millisecond). Every event gets one, so the
 * random bits come from a pool (a draw per id cost a few per cent of the server's main thread).
 */
export function uuidV7Ids(clock: Clock): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  const pool = Buffer.allocUnsafe(POOL_BYTES);
  let used = POOL_BYTES;
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
      if (used + RANDOM_BYTES > POOL_BYTES) {
        randomFillSync(pool);
        used = 0;
      }
      const variant = (0x80 | (pool[used]! & 0x3f)).toString(16);
      const random = pool.toString('hex', used + 1, used + RANDOM_BYTES);
      used += RANDOM_BYTES;
      const time = lastMs.toString(16).padStart(12, '0');
      const version = (0x7000 | counter).toString(16);
      return `${time.slice(0, 8)}-${time.slice(8)}-${version}-${variant}${random.slice(0, 2)}-${random.slice(2)}`;
    },
  };
}
