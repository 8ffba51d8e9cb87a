/** What the router learns an agent from: its name, description and example requests. */
export interface AgentProfile {
  readonly name: string;
  readonly description: string;
  readonly examples: readonly string[];
  /** The agent's Markdown instructions: more vocabulary, weighted below description and examples. */
  readonly instructions?: string;
}
