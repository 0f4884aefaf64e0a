import { BlockList, isIP } from 'node:net';
import { RememberedAnswers } from '../../remembered-answers';
import { plainAddress } from '../transport/sip-transport';

/** Answers an {@link AddressList} keeps; far more sources than a node's trunks and proxies. */
const MAX_REMEMBERED = 4_096;

/**
 * A set of IP addresses and CIDR blocks (`192.0.2.10`, `10.0.0.0/8`, `2001:db8::/32`), such as the
 * trusted SIP trunks and SBCs or the reverse proxies in front of the HTTP server. Entries are
 * expected to be valid already (the configuration checks them); an invalid one throws, as a bug.
 */
export class AddressList {
  private readonly blocks = new BlockList();
  /**
   * Answers already given, by address as asked. `BlockList.check` builds a native `SocketAddress`
   * each time (about 2.5 µs), and every SIP message from a trunk asks at least once; a trunk's
   * few addresses then cost a map lookup. The entries never change, so an answer stays true.
   */
  private readonly answers = new RememberedAnswers<boolean>(MAX_REMEMBERED);

  constructor(readonly entries: readonly string[] = []) {
    for (const entry of entries) {
      const [address = '', prefix] = entry.split('/');
      const plain = plainAddress(address);
      const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.blocks.addAddress(plain, family);
      else this.blocks.addSubnet(plain, Number(prefix), family);
    }
  }

  /** True when `address` (IPv4-mapped IPv6 forms included) falls in one of the entries. */
  has(address: string): boolean {
    if (this.entries.length === 0) return false;
    return this.answers.answer(address, this.check);
  }

  private readonly check = (address: string): boolean => {
    const plain = plainAddress(address.split('%')[0] ?? '');
    const family = isIP(plain);
    if (family === 0) return false;
    return this.blocks.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}
