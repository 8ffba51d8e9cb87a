/** A sparse vector: parallel arrays of feature indices and values. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

export function dotProduct(a: SparseVector, b: SparseVector): number {
  const smaller = a.indices.length <= b.indices.length ? a : b;
  const larger = smaller === a ? b : a;
  const positions = new Map<number, number>();
  larger.indices.forEach((feature, position) => positions.set(feature, larger.values[position] ?? 0));
  let sum = 0;
  smaller.indices.forEach((feature, position) => {
    sum += (smaller.values[position] ?? 0) * (positions.get(feature) ?? 0);
  });
  return sum;
}
