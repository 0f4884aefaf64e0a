import { describe, expect, it } from 'vitest';
import type { TenantId } from '@switchboard/kernel';
import { createParams, sipUri, type LocalEndpoint } from '@switchboard/sip';
import { providerHop, providerTlsPeer } from './provider-requests';
import type { Trunk } from './trunk';
import { routeThroughTrunk, type TrunkRouteContext } from './trunk-route';

const SHOP = 'tenant-shop' as TenantId;
const LOCAL: LocalEndpoint = {
  contact: { uri: sipUri({ user: 'switchboard', host: '203.0.113.10', port: 5060 }), params: createParams() },
  transport: 'UDP',
  host: '203.0.113.10',
  port: 5060,
};

function trunk(id: string, patch: Partial<Trunk> = {}): Trunk {
  return {
    id,
    tenantId: SHOP,
    name: id,
    enabled: true,
    admission: 'registration',
    allowedAddresses: [],
    provider: { host: 'sip.carrier.example', port: 5060, transport: 'udp' },
    account: { username: '02160001234', password: 'carrier-secret' },
    registerExpires: 3600,
    outbound: {
      dialFormat: 'national',
      defaultCallerId: '02160001234',
      allowedCallerIds: ['4008001234'],
      assertIdentity: true,
      privacyForWithheld: true,
    },
    keepaliveSeconds: 30,
    createdAt: '',
    updatedAt: '',
    ...patch,
  };
}

function context(trunks: Trunk[], down: string[] = []): TrunkRouteContext {
  return {
    trunks,
    isUp: (id) => !down.includes(id),
    hop: (t) => providerHop(t, LOCAL, (host) => (host === 'sip.carrier.example' ? '192.0.2.80' : host)),
  };
}

describe('routing an outbound call through a trunk', () => {
  it('writes the number in the dial format, sends to the resolved provider with its account', () => {
    const r = routeThroughTrunk(context([trunk('a')]), '+86 138 0013 8000', '+864008001234');
    expect(r.ok && r.value).toEqual({
      trunkId: 'a',
      trunkName: 'a',
      target: {
        uri: 'sip:13800138000@sip.carrier.example',
        destination: { host: '192.0.2.80', port: 5060 },
        credentials: { username: '02160001234', password: 'carrier-secret' },
      },
      callerId: {
        number: '4008001234',
        host: 'sip.carrier.example',
        assertedIdentity: 'sip:4008001234@sip.carrier.example',
      },
    });
  });

  it('skips a down or disabled trunk and one without a provider', () => {
    const trunks = [
      trunk('down'),
      trunk('disabled', { enabled: false }),
      trunk('inbound-only', { admission: 'ip', allowedAddresses: ['192.0.2.0/24'], provider: undefined }),
      trunk('up', { outbound: { ...trunk('x').outbound, dialFormat: 'e164' } }),
    ];
    const r = routeThroughTrunk(context(trunks, ['down']), '13800138000');
    expect(r.ok && r.value.trunkId).toBe('up');
    expect(r.ok && r.value.target.uri).toBe('sip:+8613800138000@sip.carrier.example');
    expect(r.ok && r.value.callerId.number).toBe('+862160001234');
  });

  it('refuses when every trunk is down, naming the code', () => {
    const r = routeThroughTrunk(context([trunk('a')], ['a']), '13800138000');
    expect(!r.ok && r.error.code).toBe('TRUNKS.NO_ROUTE');
  });

  it('goes through the outbound proxy over TCP when configured', () => {
    const viaProxy = trunk('p', {
      provider: { host: 'sip.carrier.example', port: 5080, transport: 'tcp' },
      outboundProxy: { host: '198.51.100.5', port: 5060 },
    });
    const r = routeThroughTrunk(context([viaProxy]), '13800138000', 'withheld');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.target.uri).toBe('sip:13800138000@sip.carrier.example:5080;transport=tcp');
    expect(r.value.target.destination).toEqual({
      host: '198.51.100.5',
      port: 5060,
      flow: { transport: 'TCP' },
    });
    expect(r.value.callerId.withheld).toBe(true);
  });

  it('goes over TLS to the default port 5061, naming the transport, the certificate held to the host', () => {
    const tls = trunk('t', {
      provider: { host: 'sip.carrier.example', port: 5061, transport: 'tls', tls: { verify: true } },
    });
    const r = routeThroughTrunk(context([tls]), '13800138000');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.target.uri).toBe('sip:13800138000@sip.carrier.example;transport=tls');
    expect(r.value.target.destination).toEqual({
      host: '192.0.2.80',
      port: 5061,
      flow: { transport: 'TLS' },
    });
    const { provider } = tls;
    if (provider === undefined) throw new Error('no provider');
    // RFC 5922 §7.2: the name the trunk was configured with, at every address it resolved to.
    expect(providerTlsPeer({ provider }, ['192.0.2.80', '192.0.2.81'])).toEqual([
      { address: '192.0.2.80', port: 5061, settings: { serverName: 'sip.carrier.example', verify: true } },
      { address: '192.0.2.81', port: 5061, settings: { serverName: 'sip.carrier.example', verify: true } },
    ]);
    // Through an outbound proxy, the proxy is who answers.
    const proxied = { provider, outboundProxy: { host: 'sbc.carrier.example', port: 5071 } };
    expect(providerTlsPeer(proxied, ['198.51.100.5'])).toEqual([
      { address: '198.51.100.5', port: 5071, settings: { serverName: 'sbc.carrier.example', verify: true } },
    ]);
    expect(providerTlsPeer({ provider: { ...provider, transport: 'tcp' } }, ['192.0.2.80'])).toBeUndefined();
  });

  it('presents the default DID instead of a number the trunk may not send, and says so', () => {
    const r = routeThroughTrunk(context([trunk('a')]), '13800138000', '13900139000');
    expect(r.ok && [r.value.callerId.number, r.value.callerIdSubstituted]).toEqual([
      '02160001234',
      'not-allowed',
    ]);
  });

  it('refuses a number that cannot be dialled', () => {
    const r = routeThroughTrunk(context([trunk('a')]), '138-abc');
    expect(!r.ok && r.error.code).toBe('TRUNKS.INVALID_NUMBER');
  });
});
