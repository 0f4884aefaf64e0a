import type { FlowEdge } from './flow-issues';

/** Node ids reachable from `start` along `edges`. */
export function reachableFrom(start: string, edges: readonly FlowEdge[]): Set<string> {
  const out = adjacency(edges);
  const seen = new Set([start]);
  const todo = [start];
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    for (const e of out.get(id) ?? []) {
      if (!seen.has(e.to)) {
        seen.add(e.to);
        todo.push(e.to);
      }
    }
  }
  return seen;
}

/**
 * Cycles made only of nodes that do not wait for input (`goto`, `set`, `condition`, …): such a loop
 * would spin forever within one step. Edges taken only on a later input do not count. Returns each as the list of node ids around it, starting at
 * its first node in document order. Iterative depth-first search, so a long chain cannot overflow
 * the stack.
 */
export function loopsWithoutInput(
  nodeIds: readonly string[],
  edges: readonly FlowEdge[],
  waits: (id: string) => boolean,
): string[][] {
  const out = adjacency(edges.filter((e) => e.afterInput !== true && !waits(e.from) && !waits(e.to)));
  const state = new Map<string, 'open' | 'done'>();
  const loops: string[][] = [];
  for (const root of nodeIds) {
    if (waits(root) || state.has(root)) continue;
    const path: string[] = [root];
    const iters: number[] = [0];
    state.set(root, 'open');
    while (path.length > 0) {
      const id = path[path.length - 1]!;
      const next = (out.get(id) ?? [])[iters[iters.length - 1]!];
      if (next === undefined) {
        state.set(id, 'done');
        path.pop();
        iters.pop();
        continue;
      }
      iters[iters.length - 1]! += 1;
      const s = state.get(next.to);
      if (s === 'open') loops.push([...path.slice(path.indexOf(next.to)), next.to]);
      else if (s === undefined) {
        state.set(next.to, 'open');
        path.push(next.to);
        iters.push(0);
      }
    }
  }
  return loops;
}

function adjacency(edges: readonly FlowEdge[]): Map<string, FlowEdge[]> {
  const out = new Map<string, FlowEdge[]>();
  for (const e of edges) {
    const list = out.get(e.from);
    if (list) list.push(e);
    else out.set(e.from, [e]);
  }
  return out;
}
