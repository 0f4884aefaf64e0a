import { isIPv6 } from 'node:net';
import { plainAddress } from '../transport/sip-transport';

/**
 * The key under which bans, token buckets and in-flight counts are kept for a source address. An
 * IPv4 address is its own key. An IPv6 source is keyed by its /64: one subscriber or host usually
 * holds a whole /64 (RFC 6177 §3, SLAAC per RFC 4862), so per-address keys would let a single
 * scanner rotate through 2^64 addresses, each with a fresh bucket and no ban.
 */
export function sourceKey(address: string): string {
  const plain = plainAddress(address);
  // Runs several times per message: a text without a colon cannot be IPv6, skip the long pattern.
  if (!plain.includes(':') || !isIPv6(plain)) return plain;
  const groups = ipv6Groups(plain);
  if (groups === undefined) return plain;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (RFC 4291 §2.2 text forms, zone id ignored). */
export function ipv6Groups(address: string): number[] | undefined {
  let text = address.split('%')[0] ?? '';
  // A trailing dotted quad (`::ffff:192.0.2.1`, RFC 4291 §2.2 form 3) stands for the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}
