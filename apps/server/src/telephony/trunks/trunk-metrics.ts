/**
 * Trunk metrics for `/metrics`: admission outcomes of new INVITEs, and per enabled trunk whether it
 * is registered and whether its provider answers. Trunk labels come from the database (ids and names
 * an admin chose), never from what a peer wrote.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AdmissionVerdict } from './invite-admission';
import type { TrunkRuntime } from './trunk-runtime';

/** The admission outcome counter. */
export interface TrunkMetrics {
  admission(verdict: AdmissionVerdict): void;
}

/**
 * Registers `sip_invite_admissions_total{outcome}` and the gauges `sip_trunk_registered{trunk_id,trunk}`
 * (1 registered, 0 otherwise; registering trunks only), `sip_trunk_registration_failures{trunk_id,trunk}`
 * (failed attempts in a row) and `sip_trunk_up{trunk_id,trunk}` (1 up, 0 down; absent while unknown).
 */
export function registerTrunkMetrics(
  registry: Registry,
  runtime: Pick<TrunkRuntime, 'statuses'>,
): TrunkMetrics {
  const registers = [registry];
  const admissions = new Counter({
    name: 'sip_invite_admissions_total',
    help: 'New INVITEs by admission outcome (admitted_trunk, admitted_extension, or the refusal reason)',
    labelNames: ['outcome'] as const,
    registers,
  });
  new Gauge({
    name: 'sip_trunk_registered',
    help: 'Whether a registering SIP trunk holds a registration with its provider',
    labelNames: ['trunk_id', 'trunk'] as const,
    registers,
    collect() {
      this.reset();
      for (const { trunk, status } of runtime.statuses()) {
        if (status.registration === undefined) continue;
        this.set(
          { trunk_id: trunk.id, trunk: trunk.name },
          status.registration.state === 'registered' ? 1 : 0,
        );
      }
    },
  });
  new Gauge({
    name: 'sip_trunk_registration_failures',
    help: 'Failed registration attempts in a row of a registering SIP trunk',
    labelNames: ['trunk_id', 'trunk'] as const,
    registers,
    collect() {
      this.reset();
      for (const { trunk, status } of runtime.statuses()) {
        if (status.registration === undefined) continue;
        this.set({ trunk_id: trunk.id, trunk: trunk.name }, status.registration.failures);
      }
    },
  });
  new Gauge({
    name: 'sip_trunk_up',
    help: 'Whether a SIP trunk provider answers OPTIONS (1) or not (0)',
    labelNames: ['trunk_id', 'trunk'] as const,
    registers,
    collect() {
      this.reset();
      for (const { trunk, status } of runtime.statuses()) {
        if (status.reachability.state === 'unknown') continue;
        this.set({ trunk_id: trunk.id, trunk: trunk.name }, status.reachability.state === 'up' ? 1 : 0);
      }
    },
  });
  return {
    admission: (verdict) =>
      admissions.inc({
        outcome: verdict.kind === 'admit' ? `admitted_${verdict.via}` : verdict.why.replace(/-/g, '_'),
      }),
  };
}
