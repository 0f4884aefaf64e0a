/**
 * Rejection codes the server's routing host adds to the routing engine's own (`RoutingCode`). They
 * share the `ROUTING.` prefix because clients see one routing API; the engine never raises them.
 */
export const ContactFlowCode = {
  /** The tenant's routing state is being restored from the event store, or could not be. */
  Unavailable: 'ROUTING.UNAVAILABLE',
  /** The user is not an agent (no `agent` role, or disabled). */
  NotAnAgent: 'ROUTING.NOT_AN_AGENT',
} as const;
