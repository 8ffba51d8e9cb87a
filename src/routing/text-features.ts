import { stem } from './porter-stemmer.ts';
import { routingLexicon } from './routing-lexicon.ts';

/**
 * Turns a request into sparse features for routing: stemmed words, word pairs, character
 * n-grams (which catch typos and compounds) and lexicon concepts (which catch synonyms).
 * Pure and deterministic.
 */
const stopWords = new Set(
  (
    'a an the and or but if of to in on at by for with from into onto about as is are was were be been being am ' +
    'i me my mine we us our ours you your yours it its this that these those there here what which who whom whose ' +
    'do does did doing done have has had having can could would should will shall may might must please pls ' +
    'just so very really also then than too up out over some any all each every no not only own same such ' +
    'how when where why get give make let tell show need want like help hi hey hello thanks thank ok okay ' +
    // Filler nouns: a request made only of these says nothing about what is wanted.
    'thing things stuff something anything everything someone somebody'
  ).split(' '),
);

export interface FeatureOptions {
  readonly bigramWeight: number;
  /** Length of character n-grams taken inside each word (with word boundary marks). */
  readonly characterGramSize: number;
  readonly characterWeight: number;
  /** Weight of a lexicon concept feature; 0 turns the lexicon off. */
  readonly conceptWeight: number;
  /**
   * Weight of the lead features: the first content words and the concepts at the start of the
   * request. Requests are mostly imperatives, and the leading verb ("write", "extract", "review")
   * says what kind of work is wanted more reliably than the topic words that follow.
   */
  readonly leadWeight: number;
}

/** Chosen by cross-validation on the agents' examples and the eval's development half (decision 0004). */
export const defaultFeatureOptions: FeatureOptions = {
  bigramWeight: 0.7,
  characterGramSize: 4,
  characterWeight: 0,
  conceptWeight: 1,
  leadWeight: 1,
};

/** How many content words count as the start of a request. */
const leadWords = 2;

/** Lower-case, accent-folded word tokens, stop words included. */
export function tokens(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export function isStopWord(token: string): boolean {
  return stopWords.has(token);
}

const longestPhrase = 4;

/** Stemmed lexicon phrase (stems joined by spaces) → concepts it signals. */
const conceptsByPhrase: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const [concept, terms] of Object.entries(routingLexicon)) {
    for (const term of terms.split(',')) {
      const phrase = tokens(term).map(stem).join(' ');
      if (phrase.length === 0) continue;
      const concepts = map.get(phrase) ?? [];
      if (!concepts.includes(concept)) concepts.push(concept);
      map.set(phrase, concepts);
    }
  }
  return map;
})();

/**
 * Feature name → raw weight. Names are prefixed by kind: `w:` word, `b:` pair, `c:` n-gram,
 * `k:` concept, `l:` leading word, `lk:` leading concept.
 */
export function extractFeatures(
  text: string,
  options: FeatureOptions = defaultFeatureOptions,
): Map<string, number> {
  const features = new Map<string, number>();
  const add = (name: string, weight: number): void => {
    if (weight > 0) features.set(name, (features.get(name) ?? 0) + weight);
  };
  const allTokens = tokens(text);
  const allStems = allTokens.map(stem);
  const contentStems = allTokens.filter((token) => !stopWords.has(token)).map(stem);
  if (options.leadWeight > 0) {
    for (const lead of contentStems.slice(0, leadWords)) add(`l:${lead}`, options.leadWeight);
  }
  // Position (in all tokens) of the second content word: concepts starting before it lead the request.
  let leadEnd = 0;
  for (let index = 0, seen = 0; index < allTokens.length && seen < leadWords; index++) {
    if (!stopWords.has(allTokens[index] ?? '')) seen += 1;
    leadEnd = index + 1;
  }
  contentStems.forEach((current, index) => {
    add(`w:${current}`, 1);
    const next = contentStems[index + 1];
    if (next !== undefined) add(`b:${current}_${next}`, options.bigramWeight);
    if (options.characterWeight > 0) {
      const padded = `<${current}>`;
      for (let start = 0; start + options.characterGramSize <= padded.length; start++) {
        add(`c:${padded.slice(start, start + options.characterGramSize)}`, options.characterWeight);
      }
    }
  });
  if (options.conceptWeight > 0) {
    const seen = new Set<string>();
    const leading = new Set<string>();
    for (let start = 0; start < allStems.length; start++) {
      let phrase = '';
      for (let length = 1; length <= longestPhrase && start + length <= allStems.length; length++) {
        phrase = length === 1 ? (allStems[start] ?? '') : `${phrase} ${allStems[start + length - 1] ?? ''}`;
        for (const concept of conceptsByPhrase.get(phrase) ?? []) {
          seen.add(concept);
          if (start < leadEnd) leading.add(concept);
        }
      }
    }
    // A concept counts once per request: three stock words do not make a request three times as much about stock.
    for (const concept of seen) add(`k:${concept}`, options.conceptWeight);
    if (options.leadWeight > 0) for (const concept of leading) add(`lk:${concept}`, options.leadWeight);
  }
  return features;
}
