import { describe, expect, it } from 'vitest';
import { ok, reject } from '@switchboard/kernel';
import { parseUri, type Uri } from '@switchboard/sip';
import type { OriginateTarget } from './call-commands';
import type { Referral } from './refer-target-resolver';
import { tenantReferTargets, type TenantReferTargetOptions } from './refer-tenant-targets';

const DEVICE: OriginateTarget = { uri: 'sip:1002@192.0.2.20:5060' };
const TRUNK: OriginateTarget = { uri: 'sip:13900139000@carrier.example' };

function uri(text: string): Uri {
  const parsed = parseUri(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function referral(target: string): Referral {
  return {
    legId: 'agent-leg',
    role: 'agent',
    transfereeLegId: 'caller-leg',
    transferee: { number: '13912345678' },
    target: uri(target),
  };
}

/** Tenant `shop` with extension 1002 (one device) and 1003 (none); `other` owns 1009. */
function resolver(overrides: Partial<TenantReferTargetOptions> = {}) {
  const routed: [string, string, string | undefined][] = [];
  const options: TenantReferTargetOptions = {
    tenants: { tenantOf: (r) => (r.transfereeLegId === 'caller-leg' ? 'shop' : undefined) },
    extensions: {
      devicesOf: async (tenantId, extension) => {
        if (tenantId !== 'shop') return undefined;
        return ({ '1002': [DEVICE], '1003': [] } as Record<string, OriginateTarget[]>)[extension];
      },
    },
    trunks: {
      route: (tenantId, number, callerId) => {
        routed.push([tenantId, number, callerId]);
        return /^\d{7,}$/.test(number)
          ? ok({ target: TRUNK, callerId: { number: '4008001234' } })
          : reject('TRUNKS.INVALID_NUMBER', 'not dialable');
      },
    },
    ...overrides,
  };
  return { resolve: tenantReferTargets(options), routed };
}

describe('REFER targets in the tenant of the call', () => {
  it("rings an extension's registered devices with the transferee's caller ID", async () => {
    const { resolve, routed } = resolver();
    expect(await resolve.resolveReferTarget(referral('sip:1002@pbx.example'))).toEqual({
      action: 'originate',
      request: { targets: [DEVICE], callerId: { number: '13912345678' }, role: 'agent' },
    });
    expect(routed).toEqual([]);
  });

  it('refuses 480 for an extension with nothing registered', async () => {
    const { resolve } = resolver();
    expect(await resolve.resolveReferTarget(referral('sip:1003@pbx.example'))).toMatchObject({
      action: 'refuse',
      status: 480,
    });
  });

  it("dials any other number through the tenant's trunk, asking to present the transferee", async () => {
    const { resolve, routed } = resolver();
    expect(await resolve.resolveReferTarget(referral('tel:13900139000'))).toEqual({
      action: 'originate',
      request: { targets: [TRUNK], callerId: { number: '4008001234' }, role: 'customer' },
    });
    // Another tenant's extension is only a number here: it never rings that tenant's phones.
    await resolve.resolveReferTarget(referral('sip:1009@pbx.example'));
    expect(routed).toEqual([
      ['shop', '13900139000', '13912345678'],
      ['shop', '1009', '13912345678'],
    ]);
  });

  it('refuses 404 what no trunk can dial, and any referral of a call of no known tenant', async () => {
    const { resolve, routed } = resolver();
    expect(await resolve.resolveReferTarget(referral('sip:nobody@pbx.example'))).toMatchObject({
      action: 'refuse',
      status: 404,
    });
    const orphan = { ...referral('sip:1002@pbx.example'), transfereeLegId: 'unknown-leg' };
    expect(await resolve.resolveReferTarget(orphan)).toMatchObject({ action: 'refuse', status: 404 });
    expect(routed).toEqual([['shop', 'nobody', '13912345678']]);
  });

  it('asks the trunk to withhold the number of a withheld transferee', async () => {
    const { resolve, routed } = resolver();
    await resolve.resolveReferTarget({
      ...referral('tel:13900139000'),
      transferee: { number: 'anonymous', withheld: true },
    });
    expect(routed).toEqual([['shop', '13900139000', 'withheld']]);
  });
});
