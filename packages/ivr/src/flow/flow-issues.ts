/** One problem found in a flow document, pointing at the field (`nodes.menu1.choices.3`). */
export interface FlowIssue {
  /** Dotted path from the document root. */
  readonly path: string;
  readonly message: string;
}

/**
 * An edge of the flow graph: `from` leads to `to` through the field at `path`. An `afterInput`
 * edge is only taken on a later input (a route's `afterCall`, once the agent hangs up), so it can
 * never be part of a loop that spins within one step.
 */
export interface FlowEdge {
  readonly from: string;
  readonly path: string;
  readonly to: string;
  readonly afterInput?: boolean;
}

/** Where checks put what they find; one per validation run. */
export class FlowIssues {
  readonly errors: FlowIssue[] = [];
  readonly warnings: FlowIssue[] = [];
  readonly edges: FlowEdge[] = [];
  /** Variable names some node writes (for the "never set" warning). */
  readonly writtenVars = new Set<string>();
  /** Variable references found in templates and conditions, with where they were read. */
  readonly readVars: { name: string; path: string }[] = [];

  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

/** `nodes.menu1.choices.3: unknown target node 'x'`. */
export function formatIssue(issue: FlowIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}
