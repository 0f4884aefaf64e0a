/**
 * Turns the routing-configuration tables into what the engine understands: each queue becomes a
 * `QueueConfig` whose single routing step requires the queue's skills (`skills.presales >= 5 and
 * …`), and each agent's skills and queue memberships come from `agent_skills`. Read at start and at
 * every agent login, so a changed skill applies from the agent's next login.
 */
import type { TenantId } from '@switchboard/kernel';
import type { QueueConfig } from '@switchboard/routing';
import { routingPolicyOf } from '../routing-config/queue-policy';
import type { QueuePolicyRepository } from '../routing-config/queue-policy-repository';
import type { Queue, RoutingConfigRepository } from '../routing-config/routing-config-repository';

/** A queue as routing runs it, with its display name for the wallboard. */
export interface QueueSetup {
  readonly config: QueueConfig;
  readonly name: string;
}

/** Skills and queue memberships an agent logs in with. */
export interface AgentProfileSetup {
  readonly skills: Readonly<Record<string, number>>;
  readonly queues: readonly string[];
}

/** The part of a tenant's configuration routing needs. */
export interface TenantRoutingSetup {
  readonly queues: readonly QueueSetup[];
  /** The profile of an agent (a user id); agents without skills serve queues that require none. */
  profileOf(agentId: string): AgentProfileSetup;
}

/** Where routing reads configuration from; tests pass a fixed one. */
export type RoutingSetupSource = (tenantId: TenantId) => Promise<TenantRoutingSetup>;

/**
 * Policies the tables do not hold yet (ring timeout, wrap-up, service-level target), applied to
 * every queue; a queue-policy editor will store them per queue.
 */
export type QueueDefaults = Omit<QueueConfig, 'queueId' | 'steps'>;

/** Wrap-up of 30 s, extendable by 2 minutes, then ready again; a 20 s ring timeout; 80/20. */
export const DEFAULT_QUEUE_POLICY: QueueDefaults = {
  ringTimeoutSeconds: 20,
  wrapUp: { seconds: 30, maxExtensionSeconds: 120, autoReady: true },
  serviceLevel: { thresholdSeconds: 20, targetPercent: 80 },
};

/** The routing step expression of a queue: all required skills at their minimum level. */
export function targetExpression(queue: Pick<Queue, 'requiredSkills'>): string {
  if (queue.requiredSkills.length === 0) return '*';
  return queue.requiredSkills.map((r) => `skills.${r.code} >= ${r.minLevel}`).join(' and ');
}

/** Whether an agent's skills meet every requirement of a queue. */
export function qualifies(
  skills: Readonly<Record<string, number>>,
  queue: Pick<Queue, 'requiredSkills'>,
): boolean {
  return queue.requiredSkills.every((r) => (skills[r.code] ?? 0) >= r.minLevel);
}

/** Reads the setup from the routing-configuration tables; a queue's stored policy (overflow, callbacks) wins over `defaults`. */
export function tableRoutingSetup(
  repository: RoutingConfigRepository,
  defaults: QueueDefaults = DEFAULT_QUEUE_POLICY,
  policies?: Pick<QueuePolicyRepository, 'list'>,
): RoutingSetupSource {
  return async (tenantId) => {
    const [queues, skills, policyOf] = await Promise.all([
      repository.listQueues(tenantId),
      repository.listAgentSkills(tenantId),
      policies?.list(tenantId) ?? new Map(),
    ]);
    return {
      queues: queues.map((q) => {
        const policy = policyOf.get(q.id);
        const own = policy === undefined ? {} : routingPolicyOf(policy);
        return {
          name: q.name,
          config: { ...defaults, ...own, queueId: q.id, steps: [{ expression: targetExpression(q) }] },
        };
      }),
      profileOf(agentId) {
        const own = skills.get(agentId) ?? {};
        return { skills: own, queues: queues.filter((q) => qualifies(own, q)).map((q) => q.id) };
      },
    };
  };
}
