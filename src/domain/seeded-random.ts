/**
 * xorshift32: a tiny deterministic generator, enough to shuffle or synthesise reproducibly.
 * Returns numbers in [0, 1). Not for anything that must be unpredictable.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}
