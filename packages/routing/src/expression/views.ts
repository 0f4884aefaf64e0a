/** An attribute value as agents and contacts carry it. */
export type AttributeValue = string | number | boolean | readonly string[];

/** What an expression may read of an agent: skill levels and attributes (languages, region, team…). */
export interface AgentView {
  skills: ReadonlyMap<string, number>;
  attributes: Readonly<Record<string, AttributeValue>>;
}

/** What an expression may read of a contact: VIP level, caller region, language, IVR choices, tags… */
export interface ContactView {
  attributes: Readonly<Record<string, AttributeValue>>;
}

/**
 * A target expression parsed, validated and turned into closures once; `evaluate` never re-parses
 * and allocates nothing, so it can run for every candidate agent on the routing hot path.
 */
export interface CompiledExpression {
  readonly source: string;
  /** True when the agent is a target for the contact. Never throws, whatever the attribute values. */
  evaluate(agent: AgentView, contact: ContactView): boolean;
  /**
   * Skills that must be present with at least this level for ANY match (from top-level conjunctions
   * of positive comparisons); lets the engine prefilter agents via a skill index. A necessary
   * condition, not a sufficient one: the engine still calls `evaluate`. Level 0 means "present".
   */
  readonly requiredSkills: ReadonlyMap<string, number>;
  /** True when the result depends on contact attributes. */
  readonly readsContact: boolean;
}

/** Optional name sets; when given, references outside them are rejected at compile time. */
export interface CompileExpressionOptions {
  knownSkills?: ReadonlySet<string>;
  knownAgentAttributes?: ReadonlySet<string>;
}
