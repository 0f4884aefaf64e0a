import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { QueueCommand } from '../commands';
import type { RoutingEvent } from '../events';
import { compileExpression, type CompiledExpression, type CompileExpressionOptions } from '../expression';
import { normalizeQueueConfig, type NormalizedQueueConfig, type OverflowAction } from '../queue/queue-config';
import { buildStrategy, type RoutingStrategy, type StrategyFactory } from '../queue/routing-strategy';
import { RoutingCode } from '../routing-codes';
import type { CompiledStep } from './engine-records';
import type { EngineState } from './engine-state';

/** What queue configuration needs besides the state: the strategy registry and name sets. */
export interface QueueSetup {
  readonly strategies: Readonly<Record<string, StrategyFactory>>;
  readonly expressionOptions: CompileExpressionOptions;
  /** Compiled expressions by source, so applying `QueueConfigured` does not compile twice. */
  readonly compiled: Map<string, CompiledExpression>;
}

/** A queue config turned into what the engine runs, or the first reason it cannot be. */
export function compileQueue(
  config: NormalizedQueueConfig,
  setup: QueueSetup,
): Result<{ steps: CompiledStep[]; strategy: RoutingStrategy }, Rejection> {
  const steps: CompiledStep[] = [];
  for (const [i, step] of config.steps.entries()) {
    let expression = setup.compiled.get(step.expression);
    if (expression === undefined) {
      const compiled = compileExpression(step.expression, setup.expressionOptions);
      if (!compiled.ok)
        return reject(compiled.error.code, `step ${i + 1}: ${compiled.error.message}`, {
          step: i,
          ...compiled.error.details,
        });
      expression = compiled.value;
      setup.compiled.set(step.expression, expression);
    }
    const last = i === config.steps.length - 1;
    steps.push({
      expression,
      timeoutMs: last || step.timeoutSeconds === undefined ? null : step.timeoutSeconds * 1000,
    });
  }
  const strategy = buildStrategy(setup.strategies, config.strategy);
  if (!strategy.ok) return strategy;
  return ok({ steps, strategy: strategy.value });
}

/** Decides a queue command against the current state. */
export function decideQueue(
  command: QueueCommand,
  state: EngineState,
  setup: QueueSetup,
  at: number,
): Result<RoutingEvent[], Rejection> {
  if (command.type === 'SetQueueOpen') {
    const queue = state.queues.get(command.queueId);
    if (queue === undefined) return reject(RoutingCode.UnknownQueue, `no queue ${command.queueId}`);
    // The server re-sends the calendar's verdict; saying "open" twice is not an error.
    if (queue.open === command.open) return ok([]);
    const queueId = queue.id;
    return ok([
      command.open
        ? { type: 'QueueOpened', data: { queueId, at } }
        : { type: 'QueueClosed', data: { queueId, at } },
    ]);
  }
  const config = normalizeQueueConfig(command.queue);
  const invalid = validateQueue(config, state);
  if (invalid !== undefined)
    return reject(RoutingCode.InvalidQueue, `queue ${config.queueId}: ${invalid}`, {
      queueId: config.queueId,
    });
  const compiled = compileQueue(config, setup);
  if (!compiled.ok) return compiled;
  return ok([{ type: 'QueueConfigured', data: { config, at } }]);
}

function validateQueue(c: NormalizedQueueConfig, state: EngineState): string | undefined {
  const existing = state.queues.get(c.queueId);
  const positive = (x: number | null): boolean => x === null || (Number.isFinite(x) && x > 0);
  if (c.queueId === '') return 'the queue id must not be empty';
  if (c.channel === '') return 'the channel must not be empty';
  if (
    existing !== undefined &&
    existing.config.channel !== c.channel &&
    (existing.waiting.some((w) => w.size > 0) || existing.gatedCount > 0)
  )
    return 'the channel cannot change while contacts wait';
  if (c.steps.length === 0) return 'at least one routing step is needed';
  const badStep = c.steps.findIndex(
    (s, i) => i < c.steps.length - 1 && !(s.timeoutSeconds !== undefined && positive(s.timeoutSeconds)),
  );
  if (badStep >= 0)
    return `step ${badStep + 1} needs a positive timeoutSeconds (only the last step may omit it)`;
  if (
    !positive(c.serviceLevel.thresholdSeconds) ||
    !(c.serviceLevel.targetPercent >= 0 && c.serviceLevel.targetPercent <= 100)
  )
    return 'service level needs thresholdSeconds > 0 and targetPercent from 0 to 100';
  if (!positive(c.maxWaitSeconds)) return 'maxWaitSeconds must be positive';
  if (c.maxLength !== null && !(Number.isInteger(c.maxLength) && c.maxLength >= 0))
    return 'maxLength must be a whole number ≥ 0';
  if (!positive(c.ringTimeoutSeconds) || !positive(c.callback.dialTimeoutSeconds))
    return 'ring and dial timeouts must be positive';
  if (c.wrapUp.seconds !== null && !(c.wrapUp.seconds >= 0))
    return 'wrap-up seconds must be ≥ 0 or null (untimed)';
  if (!(c.wrapUp.maxExtensionSeconds >= 0)) return 'maxExtensionSeconds must be ≥ 0';
  if (!(Number.isInteger(c.callback.maxAttempts) && c.callback.maxAttempts >= 1))
    return 'callback maxAttempts must be ≥ 1';
  if (!(c.callback.retrySeconds >= 0) || !(c.callback.minWaitSeconds >= 0))
    return 'callback times must be ≥ 0';
  if (!Number.isFinite(c.weight) || !(c.shortAbandonSeconds >= 0))
    return 'weight must be finite and shortAbandonSeconds ≥ 0';
  for (const action of [c.maxWaitAction, c.maxLengthAction, c.closedAction]) {
    const bad = badAction(action, c.queueId, state);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

function badAction(action: OverflowAction, self: string, state: EngineState): string | undefined {
  if (action.kind !== 'queue') return undefined;
  if (action.queueId === self) return 'a queue cannot overflow into itself';
  return state.queues.has(action.queueId) ? undefined : `overflow queue ${action.queueId} does not exist`;
}
