/** Ids, injectable so tests can fix them. Ids are unique and sort by creation time. */
export interface IdGenerator {
  /** A new id with a readable prefix, e.g. `run_01J...`. */
  next(prefix: string): string;
}
