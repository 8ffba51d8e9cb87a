/** Softmax of `scores / temperature`, written into a new array. */
export function softmax(scores: ArrayLike<number>, temperature: number): Float64Array {
  let max = -Infinity;
  for (let index = 0; index < scores.length; index++) max = Math.max(max, scores[index] ?? -Infinity);
  const result = new Float64Array(scores.length);
  let sum = 0;
  for (let index = 0; index < scores.length; index++) {
    const value = Math.exp(((scores[index] ?? 0) - max) / temperature);
    result[index] = value;
    sum += value;
  }
  for (let index = 0; index < result.length; index++) result[index] = (result[index] ?? 0) / sum;
  return result;
}

/**
 * Mean negative log-likelihood of the labels under `softmax(scores / temperature)`, against
 * targets smoothed by `smoothing` (that share spread evenly over all classes).
 */
function meanNegativeLogLikelihood(
  heldOut: ReadonlyArray<{ readonly scores: ArrayLike<number>; readonly label: number }>,
  temperature: number,
  smoothing: number,
): number {
  let loss = 0;
  for (const { scores, label } of heldOut) {
    let max = -Infinity;
    for (let index = 0; index < scores.length; index++) max = Math.max(max, scores[index] ?? -Infinity);
    let sum = 0;
    let meanScaled = 0;
    for (let index = 0; index < scores.length; index++) {
      const scaled = ((scores[index] ?? 0) - max) / temperature;
      sum += Math.exp(scaled);
      meanScaled += scaled / scores.length;
    }
    const target = (1 - smoothing) * (((scores[label] ?? 0) - max) / temperature) + smoothing * meanScaled;
    loss += Math.log(sum) - target;
  }
  return loss / Math.max(1, heldOut.length);
}

/**
 * The temperature that minimises the negative log-likelihood of held-out labels (temperature
 * scaling, Guo et al. 2017): it changes how sure the ranker sounds, never which agent comes first.
 * A coarse log grid finds the basin, a golden-section search refines it; the loss is convex in
 * 1/temperature, so this cannot wander off. The targets are smoothed by 1/(n + 2) (Laplace's rule
 * of succession): when every one of a few held-out examples is right, that is evidence of high
 * accuracy, not of certainty, and the temperature must not collapse to zero.
 */
export function fitTemperature(
  heldOut: ReadonlyArray<{ readonly scores: ArrayLike<number>; readonly label: number }>,
  options: {
    readonly lowest?: number;
    readonly highest?: number;
    /** Share of each target spread over all classes; Laplace's 1/(n + 2) when absent. */
    readonly smoothing?: number;
  } = {},
): number {
  if (heldOut.length === 0) return 1;
  const smoothing = options.smoothing ?? 1 / (heldOut.length + 2);
  const loss = (logTemperature: number): number =>
    meanNegativeLogLikelihood(heldOut, Math.exp(logTemperature), smoothing);
  const low = Math.log(options.lowest ?? 1e-3);
  const high = Math.log(options.highest ?? 100);
  const steps = 16;
  let bestStep = 0;
  let bestLoss = Infinity;
  for (let step = 0; step <= steps; step++) {
    const value = loss(low + ((high - low) * step) / steps);
    if (value < bestLoss) {
      bestLoss = value;
      bestStep = step;
    }
  }
  let left = low + ((high - low) * Math.max(0, bestStep - 1)) / steps;
  let right = low + ((high - low) * Math.min(steps, bestStep + 1)) / steps;
  const ratio = (Math.sqrt(5) - 1) / 2;
  let inner = right - ratio * (right - left);
  let outer = left + ratio * (right - left);
  let innerLoss = loss(inner);
  let outerLoss = loss(outer);
  for (let iteration = 0; iteration < 30; iteration++) {
    if (innerLoss < outerLoss) {
      right = outer;
      outer = inner;
      outerLoss = innerLoss;
      inner = right - ratio * (right - left);
      innerLoss = loss(inner);
    } else {
      left = inner;
      inner = outer;
      innerLoss = outerLoss;
      outer = left + ratio * (right - left);
      outerLoss = loss(outer);
    }
  }
  return Math.exp((left + right) / 2);
}

export interface CalibrationBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly meanConfidence: number;
  readonly accuracy: number;
}

export interface CalibrationReport {
  /** Weighted mean gap between stated confidence and observed accuracy, 0..1 (lower is better). */
  readonly expectedCalibrationError: number;
  readonly bins: readonly CalibrationBin[];
}

/** Expected calibration error over equal-width confidence bins. */
export function calibrationReport(
  predictions: ReadonlyArray<{ readonly confidence: number; readonly correct: boolean }>,
  binCount = 10,
): CalibrationReport {
  const groups = Array.from({ length: binCount }, () => ({ count: 0, confidence: 0, correct: 0 }));
  for (const { confidence, correct } of predictions) {
    const group = groups[Math.min(binCount - 1, Math.max(0, Math.floor(confidence * binCount)))];
    if (group === undefined) continue;
    group.count += 1;
    group.confidence += confidence;
    if (correct) group.correct += 1;
  }
  const bins: CalibrationBin[] = [];
  let error = 0;
  groups.forEach((group, bin) => {
    if (group.count === 0) return;
    const meanConfidence = group.confidence / group.count;
    const accuracy = group.correct / group.count;
    error += (group.count / predictions.length) * Math.abs(meanConfidence - accuracy);
    bins.push({
      lower: bin / binCount,
      upper: (bin + 1) / binCount,
      count: group.count,
      meanConfidence,
      accuracy,
    });
  });
  return { expectedCalibrationError: error, bins };
}
