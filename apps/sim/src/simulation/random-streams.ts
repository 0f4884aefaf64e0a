import { seededRandom, type Random } from '@switchboard/kernel';

/**
 * Independent random streams derived from one scenario seed, one per purpose (arrivals of a queue,
 * its handle times, its patience…). Giving each purpose its own stream keeps the draws of one
 * unchanged when another changes: adding an agent group does not reshuffle the arrivals, which
 * makes two scenario variants comparable run for run (common random numbers).
 */
export function randomStream(seed: number, purpose: number): Random {
  return seededRandom(mix32(mix32(seed >>> 0) ^ Math.imul(purpose + 1, 0x9e3779b1)));
}

/** The stream numbers a queue's draws use; `queueIndex` spaces queues apart. */
export const StreamPurpose = {
  arrivals: (queueIndex: number): number => queueIndex * 8,
  handleTime: (queueIndex: number): number => queueIndex * 8 + 1,
  wrapUpTime: (queueIndex: number): number => queueIndex * 8 + 2,
  patience: (queueIndex: number): number => queueIndex * 8 + 3,
  contactType: (queueIndex: number): number => queueIndex * 8 + 4,
} as const;

/** A 32-bit finaliser (from MurmurHash3) so that nearby seeds give unrelated streams. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
