import { rootCertificates, type PeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { TlsPeers } from './tls-peers';

/** The parts of a server certificate Node's name check reads (RFC 6125 via `checkServerIdentity`). */
const CERT_FOR_LOCALHOST = {
  subject: { CN: 'localhost' },
  subjectaltname: 'DNS:localhost, IP Address:127.0.0.1',
} as unknown as PeerCertificate;

const CA = '-----BEGIN CERTIFICATE-----\ncarrier CA\n-----END CERTIFICATE-----\n';
const OTHER_CA = '-----BEGIN CERTIFICATE-----\nanother CA\n-----END CERTIFICATE-----\n';

/** What the plan's own name check says about `cert` (undefined: accepted). */
function check(peers: TlsPeers, address: string, port: number, cert = CERT_FOR_LOCALHOST): Error | undefined {
  const { checkServerIdentity } = peers.plan(address, port).options;
  if (checkServerIdentity === undefined) throw new Error('no name check');
  return checkServerIdentity(address, cert);
}

describe('TlsPeers', () => {
  it('checks an unconfigured peer against its address and the system roots, without SNI for an IP', () => {
    const peers = new TlsPeers();
    const { options } = peers.plan('127.0.0.1', 5061);
    expect(options).toMatchObject({ host: '127.0.0.1', port: 5061, rejectUnauthorized: true });
    expect(options.ca).toBeUndefined();
    expect(options.servername).toBeUndefined();
    expect(check(peers, '127.0.0.1', 5061)).toBeUndefined();
    expect(check(peers, '192.0.2.1', 5061)).toBeInstanceOf(Error);
  });

  it("holds a configured peer to the trunk's host name, not the address it resolved to", () => {
    const peers = new TlsPeers();
    peers.configure('trunks', [
      { address: '127.0.0.1', port: 5061, settings: { serverName: 'carrier.test', verify: true, ca: CA } },
    ]);
    const { options } = peers.plan('127.0.0.1', 5061);
    expect(options).toMatchObject({ servername: 'carrier.test', rejectUnauthorized: true, ca: [CA] });
    // The certificate names 127.0.0.1 but not carrier.test (RFC 5922 §7.2).
    expect(check(peers, '127.0.0.1', 5061)?.message).toMatch(/carrier\.test/);
    // Another port of the same address is another peer: the defaults apply there.
    expect(peers.plan('127.0.0.1', 5062).options.servername).toBeUndefined();
  });

  it('adds the configured CA to the system roots for peers relying on the defaults', () => {
    const peers = new TlsPeers({ ca: CA });
    expect(peers.plan('192.0.2.1', 5061).options.ca).toEqual([...rootCertificates, CA]);
    peers.configure('trunks', [
      { address: '192.0.2.1', port: 5061, settings: { serverName: 'a.example', verify: true, ca: OTHER_CA } },
    ]);
    expect(peers.plan('192.0.2.1', 5061).options.ca).toEqual([OTHER_CA]);
  });

  it('checks when any owner at an address wants it, accepting the names and CAs of those who check', () => {
    const peers = new TlsPeers();
    peers.configure('trunks', [
      { address: '127.0.0.1', port: 5061, settings: { serverName: 'lab.example', verify: false } },
    ]);
    const lab = peers.plan('127.0.0.1', 5061);
    expect(lab).toMatchObject({ key: 'unverified', options: { rejectUnauthorized: false } });
    expect(lab.options.servername).toBe('lab.example');
    peers.configure('trunks', [
      { address: '127.0.0.1', port: 5061, settings: { serverName: 'lab.example', verify: false } },
      { address: '127.0.0.1', port: 5061, settings: { serverName: 'carrier.test', verify: true, ca: CA } },
      { address: '127.0.0.1', port: 5061, settings: { serverName: 'localhost', verify: true, ca: OTHER_CA } },
    ]);
    const merged = peers.plan('127.0.0.1', 5061);
    expect(merged.options).toMatchObject({ rejectUnauthorized: true, ca: [CA, OTHER_CA] });
    expect(merged.key).not.toBe(lab.key);
    expect(check(peers, '127.0.0.1', 5061)).toBeUndefined();
  });

  it('gives equal checks one key, so connections are reused only under the checks they passed', () => {
    const peers = new TlsPeers();
    const settings = { serverName: 'carrier.test', verify: true, ca: CA };
    peers.configure('trunks', [
      { address: '192.0.2.1', port: 5061, settings },
      { address: '192.0.2.2', port: 5061, settings },
    ]);
    expect(peers.plan('192.0.2.1', 5061).key).toBe(peers.plan('192.0.2.2', 5061).key);
    const before = peers.plan('192.0.2.1', 5061).key;
    peers.configure('trunks', [
      { address: '192.0.2.1', port: 5061, settings: { ...settings, ca: OTHER_CA } },
    ]);
    expect(peers.plan('192.0.2.1', 5061).key).not.toBe(before);
    peers.configure('trunks', []);
    expect(peers.settingsFor('192.0.2.1', 5061)).toEqual([]);
  });

  it('presents our certificate when one is configured', () => {
    const peers = new TlsPeers({ cert: 'CERT', key: 'KEY' });
    expect(peers.plan('192.0.2.1', 5061).options).toMatchObject({ cert: 'CERT', key: 'KEY' });
  });
});
