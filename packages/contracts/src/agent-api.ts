/**
 * Shapes of the agent API (`/api/v1/agent/*`, `/api/v1/agents/:id/*`): what the agent desktop
 * sends and what it gets back.
 */
import type { AgentStatus } from './statistics';

/**
 * Not-ready reason codes an agent or supervisor may choose (示忙原因). `RONA` and `login` are set
 * by the system (no answer to an offer, start of a shift) and cannot be chosen.
 */
export const NOT_READY_REASONS = [
  'break',
  'lunch',
  'training',
  'meeting',
  'coaching',
  'after-call-work',
  'other',
] as const;
export type NotReadyReason = (typeof NOT_READY_REASONS)[number];

/** A contact on an agent's channel: ringing (`reserved`), talking, held or in wrap-up. */
export interface AgentWorkItemView {
  readonly contactId: string;
  readonly queueId: string;
  readonly phase: 'reserved' | 'busy' | 'held' | 'wrap-up';
  readonly since: number;
  /** End of timed wrap-up; null otherwise. */
  readonly wrapUpUntil: number | null;
}

/** One channel of a logged-in agent. */
export interface AgentChannelView {
  readonly channel: string;
  readonly capacity: number;
  readonly status: AgentStatus;
  readonly ready: boolean;
  readonly reason: string | null;
  readonly since: number;
  readonly contacts: readonly AgentWorkItemView[];
}

/** `GET /api/v1/agent/state` and the answer of every agent action. */
export interface AgentStateView {
  readonly agentId: string;
  readonly loggedIn: boolean;
  readonly since: number | null;
  readonly channels: readonly AgentChannelView[];
  readonly queues: readonly string[];
}

/** `POST /api/v1/agent/login`. Channels default to one voice line. */
export interface AgentLoginRequest {
  readonly channels?: readonly { readonly channel: string; readonly capacity: number }[];
  /** Start ready instead of not ready (reason `login`). */
  readonly ready?: boolean;
}

/** `POST /api/v1/agent/not-ready`. */
export interface AgentNotReadyRequest {
  readonly reason: NotReadyReason;
  readonly channel?: string;
}

/** `POST /api/v1/agent/wrap-up/complete`. */
export interface WrapUpCompleteRequest {
  readonly contactId?: string;
  readonly dispositionCode: string;
  readonly notes?: string;
}

/** `POST /api/v1/agents/:id/force-state` (supervisor, admin). */
export interface ForceAgentStateRequest {
  readonly state: 'ready' | 'not-ready';
  readonly reason?: NotReadyReason;
  readonly channel?: string;
}
