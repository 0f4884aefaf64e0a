import { OrderedSet } from '../support/ordered-set';
import type { ContactRecord, QueueRuntime } from './engine-records';

/**
 * Puts a contact with a skill requirement into the line of its step for that requirement, opening
 * the line when it is the first such contact. Lines per step are few (an IVR asks for a handful
 * of distinct requirements), so they are found by a scan, not a map.
 */
export function insertGated(queue: QueueRuntime, step: number, contact: ContactRecord): void {
  const requirement = contact.requirement;
  const lines = queue.gated[step];
  if (requirement === null || lines === undefined) return;
  let line = lines.find((l) => l.requirement.key === requirement.key);
  if (line === undefined) {
    const { codes, levels } = requirement;
    line = { codes, levels, contacts: new OrderedSet<ContactRecord>(), requirement };
    lines.push(line);
  }
  line.contacts.insert(contact);
  queue.gatedCount++;
}

/** Takes a contact out of its step's gated line, dropping the line when it empties. */
export function deleteGated(queue: QueueRuntime, step: number, contact: ContactRecord): void {
  const requirement = contact.requirement;
  const lines = queue.gated[step];
  if (requirement === null || lines === undefined) return;
  const i = lines.findIndex((l) => l.requirement.key === requirement.key);
  const line = lines[i];
  if (line === undefined || !line.contacts.delete(contact)) return;
  queue.gatedCount--;
  if (line.contacts.size === 0) lines.splice(i, 1);
}

/** Every contact waiting in one step, those without requirements first, then line by line. */
export function* waitingInStep(queue: QueueRuntime, step: number): IterableIterator<ContactRecord> {
  const open = queue.waiting[step];
  if (open !== undefined) yield* open;
  for (const line of queue.gated[step] ?? []) yield* line.contacts;
}

/** Every contact waiting in a queue, step by step (not in serving order). */
export function allWaiting(queue: QueueRuntime): ContactRecord[] {
  const all: ContactRecord[] = [];
  for (let step = 0; step < queue.waiting.length; step++) all.push(...waitingInStep(queue, step));
  return all;
}
