import type { Random } from '@switchboard/kernel';
import { ArrivalStream } from './arrival-stream';
import { createSampler, type Sampler } from './distributions';
import { randomStream, StreamPurpose } from './random-streams';
import type { SimQueueConfig } from './routing-port';
import type { ContactType, Scenario, ScenarioOverflowAction, ScenarioQueue } from './scenario';

/** A scenario queue ready to draw from: its arrival stream and samplers, each on its own stream. */
export interface SimulationQueue {
  readonly index: number;
  readonly spec: ScenarioQueue;
  readonly arrivals: ArrivalStream;
  readonly handleTime: Sampler;
  readonly wrapUpTime: Sampler;
  readonly patience: Sampler | null;
  /** Picks the contact type of the next arrival. */
  contactType(): ContactType;
}

/** Builds the run-time queues of a scenario. */
export function buildQueues(scenario: Scenario): SimulationQueue[] {
  return scenario.queues.map((spec, index) => {
    const stream = (purpose: number): Random => randomStream(scenario.seed, purpose);
    return {
      index,
      spec,
      arrivals: new ArrivalStream(
        spec.arrivals,
        scenario.intervalSeconds,
        stream(StreamPurpose.arrivals(index)),
      ),
      handleTime: createSampler(spec.handleTime, stream(StreamPurpose.handleTime(index))),
      wrapUpTime: createSampler(spec.wrapUpTime, stream(StreamPurpose.wrapUpTime(index))),
      patience:
        spec.patience === null ? null : createSampler(spec.patience, stream(StreamPurpose.patience(index))),
      contactType: contactTypePicker(spec.contactTypes, stream(StreamPurpose.contactType(index))),
    };
  });
}

function contactTypePicker(types: readonly ContactType[], random: Random): () => ContactType {
  const only = types[0] as ContactType;
  if (types.length === 1) return () => only;
  return () => {
    let u = random.next();
    for (const t of types) {
      if (u < t.share) return t;
      u -= t.share;
    }
    // Rounding can leave u a hair above the last share.
    return types[types.length - 1] as ContactType;
  };
}

/**
 * The `ConfigureQueue` payload of a scenario queue. Without `overflowToQueues` the actions that
 * send contacts to another queue are left out (that queue may not be configured yet); with it, the
 * full payload, or undefined when the first one was already complete.
 */
export function queueConfigOf(
  spec: ScenarioQueue,
  shortAbandonSeconds: number,
  overflowToQueues: boolean,
): SimQueueConfig | undefined {
  const { maxWaitAction, maxLengthAction, ...routing } = spec.routing;
  const toQueue = (a: ScenarioOverflowAction | undefined): boolean => a?.kind === 'queue';
  const hasQueueActions = toQueue(maxWaitAction) || toQueue(maxLengthAction);
  if (overflowToQueues && !hasQueueActions) return undefined;
  const keep = (a: ScenarioOverflowAction | undefined): boolean =>
    a !== undefined && (overflowToQueues || !toQueue(a));
  return {
    ...routing,
    ...(keep(maxWaitAction) && { maxWaitAction }),
    ...(keep(maxLengthAction) && { maxLengthAction }),
    queueId: spec.id,
    channel: 'voice',
    serviceLevel: { thresholdSeconds: spec.serviceLevelSeconds, targetPercent: 80 },
    shortAbandonSeconds,
    wrapUp: { seconds: null, autoReady: true, maxExtensionSeconds: 0 },
  };
}
