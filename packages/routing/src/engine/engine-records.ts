import type { AgentState } from '../agent/agent-state';
import type { OccupancyMeter } from '../agent/occupancy-meter';
import type { ContactKind } from '../events';
import type { AgentView, CompiledExpression, ContactView } from '../expression';
import type { NormalizedQueueConfig } from '../queue/queue-config';
import type { RoutingStrategy } from '../queue/routing-strategy';
import type { Deadline } from '../support/deadline-heap';
import type { Keyed, OrderedSet } from '../support/ordered-set';
import type { SkillRequirement } from './skill-requirement';

/** A routing step compiled once, when the queue is configured. */
export interface CompiledStep {
  readonly expression: CompiledExpression;
  readonly timeoutMs: number | null;
}

/**
 * A queue at run time: per routing step, the waiting contacts ordered by (priority, original
 * arrival) and the ready agents that step may use ordered by the queue's strategy. Every agent or
 * contact change touches only the indexes of the queues involved.
 */
export interface QueueRuntime {
  readonly id: string;
  config: NormalizedQueueConfig;
  /** `config.channel` and `config.weight`, at hand for the matcher's loop over an agent's queues. */
  channel: string;
  weight: number;
  steps: readonly CompiledStep[];
  strategy: RoutingStrategy;
  open: boolean;
  /** Per step: waiting contacts that require no skills of their own. */
  waiting: OrderedSet<ContactRecord>[];
  /**
   * Per step: waiting contacts with skill requirements, one line per distinct requirement (lines
   * are dropped when they empty). An agent looks only at the lines whose requirement it meets, so a
   * contact no ready agent qualifies for never costs other agents a scan past it.
   */
  gated: GatedLine[][];
  /** Contacts in `gated`, over all steps: while 0 the matcher's paths are those without requirements. */
  gatedCount: number;
  ready: OrderedSet<ReadyEntry>[];
  readonly members: Set<Membership>;
  /** Live (not callback) contacts in the queue, waiting or ringing: what `maxLength` limits. */
  liveCount: number;
  /** Round-robin memory: increases with every offer the queue makes. */
  offerSeq: number;
}

/** Waiting contacts of one routing step that share a skill requirement, in serving order. */
export interface GatedLine {
  /** `requirement.codes` and `.levels`, at hand: agents check them for every line they pass. */
  readonly codes: readonly string[];
  readonly levels: readonly number[];
  readonly contacts: OrderedSet<ContactRecord>;
  readonly requirement: SkillRequirement;
}

/** An agent's membership of one queue, with what the steps' expressions say about the agent. */
export interface Membership {
  readonly agent: AgentRecord;
  readonly queue: QueueRuntime;
  /** Per step: the agent matches (or, for contact-reading steps, passes the skill prefilter). */
  eligible: boolean[];
  /** Per step: the agent's entry in that step's ready index, when it is in it. */
  entries: (ReadyEntry | null)[];
  /** Whether `entries` are in the ready indexes (see `EngineState.flushPending`). */
  indexed: boolean;
  lastOffer: number;
}

/** A ready agent in one step's index; the keys come from the queue's strategy. */
export interface ReadyEntry extends Keyed {
  readonly membership: Membership;
}

/** Per agent and channel facts the strategies read. */
export interface ChannelRuntime {
  readonly channel: string;
  available: boolean;
  idleSince: number;
  handledToday: number;
  handledDay: number;
  readonly meter: OccupancyMeter;
}

/** A logged-in agent. */
export interface AgentRecord {
  readonly id: string;
  /** Login order; the last tie-breaker of every strategy, for determinism. */
  readonly seq: number;
  state: AgentState;
  view: AgentView;
  memberships: Membership[];
  readonly channels: Map<string, ChannelRuntime>;
}

/** Where a contact is in its life inside routing. */
export type ContactStatus = 'waiting' | 'offered' | 'connected' | 'held' | 'retry-pending';

/**
 * A contact routing knows about: from `ContactQueued` until it ends, leaves or is abandoned. It is
 * its own {@link ContactView} for expressions (one object less per waiting contact).
 */
export interface ContactRecord extends Keyed, ContactView {
  readonly id: string;
  queue: QueueRuntime;
  status: ContactStatus;
  kind: ContactKind;
  priority: number;
  readonly arrivedAt: number;
  readonly enteredQueueAt: number;
  /** Counts `ContactQueued` of this contact: stale step and max-wait timers compare it. */
  readonly queueEntry: number;
  step: number;
  readonly attributes: ContactView['attributes'];
  callbackNumber: string | null;
  agentId: string | null;
  offerCount: number;
  attempts: number;
  declinedBy: Set<string> | null;
  /** What the agent must have besides the step's expression; null (the usual case) for nothing. */
  readonly requirement: SkillRequirement | null;
  /** The step index whose waiting set holds the contact, or -1. */
  indexedAt: number;
}

/** A pending timer; stale ones are recognised and skipped when they pop. */
export type TimerEntry = Deadline &
  (
    | {
        readonly kind: 'step';
        readonly contactId: string;
        readonly queueEntry: number;
        readonly step: number;
      }
    | { readonly kind: 'max-wait'; readonly contactId: string; readonly queueEntry: number }
    | { readonly kind: 'offer'; readonly contactId: string; readonly offerCount: number }
    | { readonly kind: 'wrap-up'; readonly agentId: string; readonly contactId: string }
    | { readonly kind: 'callback-retry'; readonly contactId: string; readonly attempts: number }
  );
