/**
 * The registration client and the OPTIONS keepalive against a scripted carrier on the in-memory
 * SIP wire (bytes through the parser, UDP retransmissions and timers on the virtual clock).
 */
import { describe, expect, it } from 'vitest';
import { seededRandom, type Random } from '@switchboard/kernel';
import {
  createParams,
  getHeader,
  getHeaderLines,
  sipUri,
  TransactionLayer,
  type LocalEndpoint,
} from '@switchboard/sip';
import { VirtualClock } from '@switchboard/testkit';
import { SipWire } from '../../calls/test-peers/sip-wire';
import { OptionsKeepalive } from './options-keepalive';
import { providerHop } from './provider-requests';
import { scriptedCarrier, CARRIER_ACCOUNT as ACCOUNT, CARRIER_ADDRESS as PROVIDER } from './test-carrier';
import {
  ProviderRegistration,
  refreshDelayMs,
  retryDelayMs,
  type RegistrationStatus,
} from './provider-registration';

const US = { host: '203.0.113.10', port: 5060 };
const LOCAL: LocalEndpoint = {
  contact: { uri: sipUri({ user: 'switchboard', ...US }), params: createParams() },
  transport: 'UDP',
  ...US,
};
const NO_JITTER: Random = { next: () => 0 };

function setup(options: { expires?: number } = {}) {
  const clock = new VirtualClock(1_000_000);
  const wire = new SipWire(clock, { latencyMs: 5 });
  const carrier = scriptedCarrier(wire, clock);
  const ours = new TransactionLayer({
    timers: clock,
    random: seededRandom(5),
    transport: wire.transport(US.host, US.port),
    user: { receiveRequest: () => undefined, receiveAck: () => undefined },
  });
  wire.listen(US.host, US.port, (m, s) => ours.receive(m, s));
  const hop = () => providerHop({ provider: { ...PROVIDER, transport: 'udp' as const } }, LOCAL, (h) => h);
  const changes: RegistrationStatus[] = [];
  const registration = new ProviderRegistration({
    account: ACCOUNT,
    expires: options.expires ?? 3600,
    hop,
    sender: ours,
    timers: clock,
    clock,
    random: NO_JITTER,
    onChange: (s) => changes.push(s),
  });
  return { clock, wire, carrier, ours, hop, registration, changes };
}

describe('registering with a trunk provider', () => {
  it('answers the 401 with digest credentials and registers for the granted time', () => {
    const { clock, carrier, registration } = setup();
    registration.start();
    clock.advance(100);
    const [first, second] = carrier.registers();
    expect(getHeader(first!, 'Authorization')).toBeUndefined();
    expect(getHeader(second!, 'Authorization')).toMatch(
      /^Digest username="02160001234", realm="carrier.example"/,
    );
    // One Call-ID and From tag, the CSeq growing (RFC 3261 §10.2.4), our Contact with the account as user.
    expect(second!.callId).toBe(first!.callId);
    expect(second!.cseq.seq).toBe(first!.cseq.seq + 1);
    expect(getHeader(second!, 'Contact')).toBe('<sip:02160001234@203.0.113.10:5060>');
    expect(registration.status()).toEqual({
      state: 'registered',
      failures: 0,
      expiresAt: clock.now() - 80 + 120_000,
    });
  });

  it('refreshes before the binding expires, on the same Call-ID', () => {
    const { clock, carrier, registration } = setup();
    registration.start();
    clock.advance(100);
    expect(carrier.registers()).toHaveLength(2);
    // 120 s granted: refreshed 30 s before expiry.
    expect(refreshDelayMs(120)).toBe(90_000);
    clock.advance(89_900);
    expect(carrier.registers()).toHaveLength(2);
    clock.advance(200);
    const refreshes = carrier.registers().slice(2);
    expect(refreshes).toHaveLength(2);
    expect(refreshes.every((r) => r.callId === carrier.registers()[0]!.callId)).toBe(true);
    expect(registration.status().state).toBe('registered');
  });

  it('fails on refused credentials and retries with a growing delay', () => {
    const { clock, carrier, registration, changes } = setup();
    carrier.state.password = 'another-password';
    registration.start();
    clock.advance(100);
    expect(carrier.registers()).toHaveLength(2);
    expect(registration.status()).toEqual({
      state: 'failed',
      failures: 1,
      lastError: 'the provider refused the credentials',
    });
    clock.advance(4_800);
    expect(carrier.registers()).toHaveLength(2);
    clock.advance(200);
    expect(carrier.registers()).toHaveLength(4);
    // The second retry waits twice as long; the password was fixed meanwhile.
    carrier.state.password = ACCOUNT.password;
    clock.advance(9_900);
    expect(carrier.registers()).toHaveLength(4);
    clock.advance(200);
    expect(registration.status()).toMatchObject({ state: 'registered', failures: 0 });
    expect(changes.map((c) => c.state)).toEqual([
      'registering',
      'failed',
      'registering',
      'failed',
      'registering',
      'registered',
    ]);
    expect(retryDelayMs(20, { initialMs: 5_000, maxMs: 300_000 }, NO_JITTER)).toBe(300_000);
  });

  it('reports an error status and retries when the provider refuses outright', () => {
    const { clock, carrier, registration } = setup();
    carrier.state.next.push({ status: 403, reason: 'Forbidden' });
    registration.start();
    clock.advance(100);
    expect(registration.status()).toEqual({ state: 'failed', failures: 1, lastError: '403 Forbidden' });
  });

  it('reports a timeout when the provider is silent (Timer F) and retries later', () => {
    const { clock, carrier, registration } = setup();
    carrier.state.silent = true;
    registration.start();
    clock.advance(32_100);
    expect(registration.status()).toMatchObject({ state: 'failed', lastError: '408 Request Timeout' });
  });

  it('asks again for the Min-Expires of a 423 (RFC 3261 §10.2.8)', () => {
    const { clock, carrier, registration } = setup({ expires: 60 });
    carrier.state.next.push({
      status: 423,
      reason: 'Interval Too Brief',
      headers: [{ name: 'Min-Expires', value: '300' }],
    });
    registration.start();
    clock.advance(100);
    expect(carrier.registers().map((r) => getHeader(r, 'Expires'))).toEqual(['60', '300', '300']);
    expect(registration.status().state).toBe('registered');
  });

  it('removes its binding with Expires: 0 when stopped', async () => {
    const { clock, carrier, registration } = setup();
    registration.start();
    clock.advance(100);
    const stopped = registration.stop();
    clock.advance(100);
    await stopped;
    const last = carrier.registers().slice(2);
    expect(last.map((r) => getHeader(r, 'Expires'))).toEqual(['0', '0']);
    expect(getHeaderLines(last[1]!, 'Authorization')).toHaveLength(1);
    expect(registration.status().state).toBe('unregistered');
    // Nothing is refreshed after the stop.
    clock.advance(3_600_000);
    expect(carrier.registers()).toHaveLength(4);
  });
});

describe('OPTIONS keepalive to a trunk provider', () => {
  it('marks the provider up when it answers and down when it stops, pinging every interval', () => {
    const { clock, carrier, ours, hop } = setup();
    const keepalive = new OptionsKeepalive({ hop, sender: ours, timers: clock, clock, intervalMs: 30_000 });
    keepalive.start();
    clock.advance(100);
    expect(keepalive.status()).toMatchObject({ state: 'up' });
    expect(carrier.received.filter((r) => r.method === 'OPTIONS')).toHaveLength(1);
    clock.advance(30_000);
    expect(carrier.received.filter((r) => r.method === 'OPTIONS')).toHaveLength(2);
    carrier.state.silent = true;
    clock.advance(30_000 + 32_100);
    expect(keepalive.status()).toMatchObject({ state: 'down', lastError: '408 Request Timeout' });
    carrier.state.silent = false;
    clock.advance(30_100);
    expect(keepalive.status().state).toBe('up');
    keepalive.stop();
    const sent = carrier.received.length;
    clock.advance(600_000);
    expect(carrier.received.length).toBe(sent);
  });
});
