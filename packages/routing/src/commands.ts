import type { ChannelCapacity } from './events';
import type { AgentAttributes, ContactAttributes, QueueConfig } from './queue/queue-config';

/** Commands about agents. `channel` omitted means every channel the agent is logged in on. */
export type AgentCommand =
  | {
      readonly type: 'LogInAgent';
      readonly agentId: string;
      readonly channels: readonly ChannelCapacity[];
      readonly skills: Readonly<Record<string, number>>;
      readonly attributes?: AgentAttributes;
      readonly queues: readonly string[];
      /** Start ready instead of not ready (reason `login`). */
      readonly ready?: boolean;
    }
  | { readonly type: 'LogOutAgent'; readonly agentId: string }
  | { readonly type: 'SetAgentReady'; readonly agentId: string; readonly channel?: string }
  | {
      readonly type: 'SetAgentNotReady';
      readonly agentId: string;
      readonly reason: string;
      readonly channel?: string;
    }
  | {
      readonly type: 'ChangeAgentProfile';
      readonly agentId: string;
      readonly skills?: Readonly<Record<string, number>>;
      readonly attributes?: AgentAttributes;
      readonly queues?: readonly string[];
    }
  | {
      readonly type: 'ExtendWrapUp';
      readonly agentId: string;
      readonly seconds: number;
      readonly contactId?: string;
    }
  | { readonly type: 'CompleteWrapUp'; readonly agentId: string; readonly contactId?: string };

/** Commands about contacts, sent by the server as calls and chats progress. */
export type ContactCommand =
  | {
      readonly type: 'EnqueueContact';
      readonly contactId: string;
      readonly queueId: string;
      /** Higher is served first; VIP levels map here. Default 0. */
      readonly priority?: number;
      /** Original arrival time (e.g. when the call hit the IVR); default now. */
      readonly arrivedAt?: number;
      readonly attributes?: ContactAttributes;
      /** Number to call back; enables voluntary and automatic callbacks. */
      readonly callbackNumber?: string;
      /**
       * Skill code → minimum level (1–10) the agent must have, on top of the queue's routing step
       * (the IVR route node's `skills`). Kept through routing steps, overflow and callbacks.
       */
      readonly requiredSkills?: Readonly<Record<string, number>>;
    }
  | { readonly type: 'ChangeContactPriority'; readonly contactId: string; readonly priority: number }
  | { readonly type: 'RequestCallback'; readonly contactId: string; readonly callbackNumber?: string }
  | { readonly type: 'AbandonContact'; readonly contactId: string }
  | { readonly type: 'AnswerContact'; readonly contactId: string; readonly agentId: string }
  | { readonly type: 'RejectOffer'; readonly contactId: string; readonly agentId: string }
  | { readonly type: 'HoldContact'; readonly contactId: string }
  | { readonly type: 'RetrieveContact'; readonly contactId: string }
  | { readonly type: 'EndContact'; readonly contactId: string }
  | { readonly type: 'ReportCallbackFailed'; readonly contactId: string };

/** Commands about queues. */
export type QueueCommand =
  | { readonly type: 'ConfigureQueue'; readonly queue: QueueConfig }
  /** The business-hours input: the server evaluates calendars and says open or closed. */
  | { readonly type: 'SetQueueOpen'; readonly queueId: string; readonly open: boolean };

/** Everything the routing engine accepts. */
export type RoutingCommand = AgentCommand | ContactCommand | QueueCommand;
