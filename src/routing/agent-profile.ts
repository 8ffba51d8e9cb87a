/** What the router learns an agent from: its name, description and example requests. */
export interface AgentProfile {
  readonly name: string;
  readonly description: string;
  readonly examples: readonly string[];
  /**
   * The agent's Markdown instructions. The ranker does not train on them: they describe how to
   * work, not what is asked, and adding their paragraphs as training text lowered accuracy on
   * every evaluation set (decision 0004).
   */
  readonly instructions?: string;
}
