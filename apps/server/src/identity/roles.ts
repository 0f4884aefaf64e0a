/**
 * Roles a user may hold (several at once: a small team's supervisor often takes calls too).
 * - `admin`: manages users, departments, configuration of the tenant
 * - `supervisor` (班长席): watches queues and agents, listens, whispers, barges
 * - `agent` (座席): handles contacts
 * - `qa` (质检): scores recordings
 * - `staff`: department member who works tickets (工单)
 */
export const ROLES = ['admin', 'supervisor', 'agent', 'qa', 'staff'] as const;
export type Role = (typeof ROLES)[number];

/** Narrows a stored string to a role; unknown strings are dropped by callers, never trusted. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
