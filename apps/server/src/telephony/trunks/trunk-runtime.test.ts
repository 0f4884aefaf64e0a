/**
 * The trunk runtime on the in-memory SIP wire and a stepping virtual clock: sessions follow the
 * stored trunks (started, replaced when their settings change, stopped when disabled), a registering
 * trunk's inbound rule follows what its provider resolved to, and stopping is bounded.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom, type TenantId } from '@switchboard/kernel';
import { createParams, getHeader, sipUri, TransactionLayer, type LocalEndpoint } from '@switchboard/sip';
import { SipWire } from '../../calls/test-peers/sip-wire';
import { SteppingClock } from '../../calls/test-peers/stepping-clock';
import { CARRIER_ACCOUNT, CARRIER_ADDRESS, scriptedCarrier } from './test-carrier';
import type { Trunk } from './trunk';
import { trunksFrom } from './trunk-matching';
import { TrunkRuntime } from './trunk-runtime';

const SHOP = 'tenant-shop' as TenantId;
const US = { host: '203.0.113.10', port: 5060 };
const LOCAL: LocalEndpoint = {
  contact: { uri: sipUri({ user: 'switchboard', ...US }), params: createParams() },
  transport: 'UDP',
  ...US,
};

const REGISTERING: Trunk = {
  id: 'carrier',
  tenantId: SHOP,
  name: 'carrier',
  enabled: true,
  admission: 'registration',
  allowedAddresses: [],
  provider: { host: 'sip.carrier.example', port: 5060, transport: 'udp' },
  account: CARRIER_ACCOUNT,
  registerExpires: 3600,
  outbound: { dialFormat: 'e164', allowedCallerIds: [], assertIdentity: false, privacyForWithheld: true },
  keepaliveSeconds: 30,
  createdAt: '',
  updatedAt: '',
};

function setup() {
  const clock = new SteppingClock(1_000_000);
  const wire = new SipWire(clock, { latencyMs: 5 });
  const carrier = scriptedCarrier(wire, clock);
  const layer = new TransactionLayer({
    timers: clock,
    random: seededRandom(5),
    transport: wire.transport(US.host, US.port),
    user: { receiveRequest: () => undefined, receiveAck: () => undefined },
  });
  wire.listen(US.host, US.port, (m, s) => layer.receive(m, s));
  const stored: { trunks: Trunk[] } = { trunks: [REGISTERING] };
  const logs: string[] = [];
  const runtime = new TrunkRuntime({
    load: () => Promise.resolve(stored.trunks),
    timers: clock,
    clock,
    random: { next: () => 0 },
    logger: { info: (_o, m) => logs.push(m), warn: (_o, m) => logs.push(m), error: (_o, m) => logs.push(m) },
    // The carrier's name resolves to the address it listens on.
    lookup: (host) => Promise.resolve(host === 'sip.carrier.example' ? [CARRIER_ADDRESS.host] : []),
    reloadIntervalMs: 3_600_000,
  });
  return { clock, carrier, layer, stored, logs, runtime };
}

describe('the trunk runtime', () => {
  it('registers an enabled trunk and admits INVITEs from its resolved provider', async () => {
    const { clock, carrier, layer, runtime } = setup();
    const attached = runtime.attach({ sender: layer, local: LOCAL });
    await clock.run(100);
    await attached;
    expect(runtime.status(REGISTERING)).toMatchObject({
      active: true,
      registration: { state: 'registered' },
      reachability: { state: 'up' },
      providerAddresses: ['192.0.2.80'],
    });
    expect(carrier.registers()).toHaveLength(2);
    expect(trunksFrom(runtime.inboundRules(), '192.0.2.80').map((r) => r.trunkId)).toEqual(['carrier']);
    expect(runtime.isTrunkSource('192.0.2.80')).toBe(true);
    expect(runtime.isTrunkSource('192.0.2.81')).toBe(false);
    expect(runtime.route(SHOP, '13800138000').ok).toBe(false);
  });

  it('replaces the session when its settings change: the old binding is removed first', async () => {
    const { clock, carrier, layer, stored, runtime } = setup();
    void runtime.attach({ sender: layer, local: LOCAL });
    await clock.run(100);
    stored.trunks = [{ ...REGISTERING, registerExpires: 600 }];
    const reloaded = runtime.reload();
    await clock.run(200);
    await reloaded;
    expect(carrier.registers().map((r) => getHeader(r, 'Expires'))).toEqual([
      '3600',
      '3600',
      '0',
      '0',
      '600',
      '600',
    ]);
    expect(runtime.status(stored.trunks[0]!).registration?.state).toBe('registered');
    // Settings the session does not depend on keep it as it is.
    stored.trunks = [{ ...stored.trunks[0]!, outbound: { ...REGISTERING.outbound, dialFormat: 'national' } }];
    const again = runtime.reload();
    await clock.run(100);
    await again;
    expect(carrier.registers()).toHaveLength(6);
  });

  it('unregisters a trunk that was disabled and reports it inactive', async () => {
    const { clock, carrier, layer, stored, runtime, logs } = setup();
    void runtime.attach({ sender: layer, local: LOCAL });
    await clock.run(100);
    stored.trunks = [];
    const reloaded = runtime.reload();
    await clock.run(200);
    await reloaded;
    expect(getHeader(carrier.registers().at(-1)!, 'Expires')).toBe('0');
    expect(runtime.status({ ...REGISTERING, enabled: false })).toMatchObject({
      active: false,
      registration: { state: 'idle' },
      reachability: { state: 'unknown' },
    });
    expect(runtime.inboundRules()).toEqual([]);
    expect(runtime.isTrunkSource('192.0.2.80')).toBe(false);
    expect(logs).toContain('SIP trunk unregistered');
  });

  it('stops within its bound when the provider no longer answers', async () => {
    const { clock, carrier, layer, runtime } = setup();
    void runtime.attach({ sender: layer, local: LOCAL });
    await clock.run(100);
    carrier.state.silent = true;
    let stopped = false;
    void runtime.stop().then(() => (stopped = true));
    await clock.run(2_900);
    expect(stopped).toBe(false);
    await clock.run(200);
    expect(stopped).toBe(true);
  });
});
