/**
 * Turns a request into sparse features for routing: stemmed words, word pairs and character
 * n-grams (which catch "invoicing" ~ "invoice" and typos). Pure and deterministic.
 */
const stopWords = new Set(
  (
    'a an the and or but if of to in on at by for with from into onto about as is are was were be been being am ' +
    'i me my mine we us our ours you your yours it its this that these those there here what which who whom whose ' +
    'do does did doing done have has had having can could would should will shall may might must please pls ' +
    'just so very really also then than too up out over some any all each every no not only own same such ' +
    'how when where why get give make let tell show need want like help hi hey thanks thank ok okay'
  ).split(' '),
);

function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const [suffix, replacement] of [
    ['ies', 'y'],
    ['ing', ''],
    ['ed', ''],
    ['es', ''],
    ['s', ''],
    ['ly', ''],
  ] as const) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3)
      return word.slice(0, -suffix.length) + replacement;
  }
  return word;
}

export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((word) => !stopWords.has(word));
}

export interface FeatureOptions {
  readonly characterGrams: number;
  readonly characterWeight: number;
  readonly bigramWeight: number;
}

export const defaultFeatureOptions: FeatureOptions = {
  characterGrams: 4,
  characterWeight: 0.4,
  bigramWeight: 0.7,
};

/** Feature name → raw weight (term frequency scaled by feature kind). */
export function extractFeatures(
  text: string,
  options: FeatureOptions = defaultFeatureOptions,
): Map<string, number> {
  const features = new Map<string, number>();
  const add = (name: string, weight: number): void => {
    if (weight <= 0) return;
    features.set(name, (features.get(name) ?? 0) + weight);
  };
  const stems = words(text).map(stem);
  stems.forEach((current, index) => {
    add(`w:${current}`, 1);
    const next = stems[index + 1];
    if (next !== undefined) add(`b:${current}_${next}`, options.bigramWeight);
    const padded = `<${current}>`;
    if (options.characterWeight > 0 && padded.length > options.characterGrams) {
      for (let start = 0; start + options.characterGrams <= padded.length; start++) {
        add(`c:${padded.slice(start, start + options.characterGrams)}`, options.characterWeight);
      }
    }
  });
  return features;
}
