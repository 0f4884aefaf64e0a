/**
 * All tenants' routing on this node: one {@link TenantRoutingHost} per tenant, started for every
 * tenant with queues at boot (so ring and wrap-up timers of a restarted node fire) and on first use
 * for tenants configured later, plus the periodic invariant check.
 *
 * Single node for now. With `REDIS_URL` (principle 3) `tenant()` becomes "acquire the tenant's lease
 * or find its owner": a node that holds the lease starts the host here, any other node forwards the
 * command to the owner; losing the lease stops the host.
 */
import type { TenantId, TimerHandle } from '@switchboard/kernel';
import { TenantRoutingHost, type TenantRoutingHostOptions } from './tenant-routing-host';

/** Options of {@link RoutingHost}: a tenant host's options without the tenant. */
export interface RoutingHostOptions extends Omit<TenantRoutingHostOptions, 'tenantId'> {
  /** Tenants to start at boot. */
  readonly listTenants: () => Promise<readonly TenantId[]>;
  /** Period of the invariant self-check; default one minute. */
  readonly invariantCheckMs?: number;
}

export class RoutingHost {
  private readonly hosts = new Map<TenantId, Promise<TenantRoutingHost>>();
  private checkTimer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly options: RoutingHostOptions) {}

  /** Starts every routing tenant; one tenant failing to start is logged and retried on first use. */
  async start(): Promise<void> {
    for (const tenantId of await this.options.listTenants()) {
      await this.tenant(tenantId).catch((error: unknown) =>
        this.options.logger.error({ err: error, tenantId }, 'routing host did not start'),
      );
    }
    this.armCheck();
  }

  /** The running host of a tenant, started on first use. */
  tenant(tenantId: TenantId): Promise<TenantRoutingHost> {
    const existing = this.hosts.get(tenantId);
    if (existing !== undefined) return existing;
    const host = new TenantRoutingHost({ ...this.options, tenantId });
    const started = host.start().then(() => host);
    // A failed start is forgotten so that the next request tries again.
    started.catch(() => this.hosts.delete(tenantId));
    this.hosts.set(tenantId, started);
    return started;
  }

  /** Runs the invariant self-check on every tenant now; returns the violations found. */
  async checkInvariants(): Promise<number> {
    let found = 0;
    for (const pending of this.hosts.values()) {
      const host = await pending.catch(() => undefined);
      if (host !== undefined) found += await host.checkInvariants();
    }
    this.options.logger.debug({ tenants: this.hosts.size, violations: found }, 'routing self-check done');
    return found;
  }

  /** Stops every tenant's timers after its queued commands have been stored. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.checkTimer !== undefined) this.options.timers.clear(this.checkTimer);
    for (const pending of this.hosts.values()) await (await pending.catch(() => undefined))?.stop();
  }

  private armCheck(): void {
    if (this.stopped) return;
    this.checkTimer = this.options.timers.set(this.options.invariantCheckMs ?? 60_000, () => {
      this.checkInvariants()
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'routing self-check failed'))
        .finally(() => this.armCheck());
    });
  }
}
