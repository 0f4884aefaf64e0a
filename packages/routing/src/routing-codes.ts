/**
 * Stable rejection codes of the routing engine. They are part of the public contract: HTTP problem
 * documents and the agent desktop show them unchanged, so a code is never renamed or reused.
 * Expression compile errors keep their own codes (`ROUTING.EXPRESSION_SYNTAX`, …).
 */
export const RoutingCode = {
  UnknownAgent: 'ROUTING.UNKNOWN_AGENT',
  AgentAlreadyLoggedIn: 'ROUTING.AGENT_ALREADY_LOGGED_IN',
  AgentLoggedOut: 'ROUTING.AGENT_LOGGED_OUT',
  AgentAlreadyReady: 'ROUTING.AGENT_ALREADY_READY',
  AgentAlreadyNotReady: 'ROUTING.AGENT_ALREADY_NOT_READY',
  AgentHasActiveContacts: 'ROUTING.AGENT_HAS_ACTIVE_CONTACTS',
  UnknownChannel: 'ROUTING.UNKNOWN_CHANNEL',
  NotInWrapUp: 'ROUTING.NOT_IN_WRAP_UP',
  WrapUpNotExtendable: 'ROUTING.WRAP_UP_NOT_EXTENDABLE',
  InvalidAgent: 'ROUTING.INVALID_AGENT',
  UnknownQueue: 'ROUTING.UNKNOWN_QUEUE',
  InvalidQueue: 'ROUTING.INVALID_QUEUE',
  UnknownStrategy: 'ROUTING.UNKNOWN_STRATEGY',
  UnknownContact: 'ROUTING.UNKNOWN_CONTACT',
  ContactAlreadyExists: 'ROUTING.CONTACT_ALREADY_EXISTS',
  InvalidContact: 'ROUTING.INVALID_CONTACT',
  ContactNotWaiting: 'ROUTING.CONTACT_NOT_WAITING',
  ContactNotOffered: 'ROUTING.CONTACT_NOT_OFFERED',
  OfferedToAnotherAgent: 'ROUTING.OFFERED_TO_ANOTHER_AGENT',
  ContactNotConnected: 'ROUTING.CONTACT_NOT_CONNECTED',
  ContactNotHeld: 'ROUTING.CONTACT_NOT_HELD',
  ContactAlreadyHeld: 'ROUTING.CONTACT_ALREADY_HELD',
  NotACallback: 'ROUTING.NOT_A_CALLBACK',
  AlreadyACallback: 'ROUTING.ALREADY_A_CALLBACK',
} as const;

/** Any routing rejection code. */
export type RoutingCode = (typeof RoutingCode)[keyof typeof RoutingCode];
