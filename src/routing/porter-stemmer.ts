/**
 * The Porter (1980) stemmer, so that "invoicing", "invoiced" and "invoices" meet at "invoic" and
 * "deployment" meets "deploy". British spellings are folded first ("organise" → "organize",
 * "analyse" → "analyze") because the owner writes both, and a final y or i is dropped.
 */
export function stem(word: string): string {
  const known = stemmed.get(word);
  if (known !== undefined) return known;
  const result = porterStem(word);
  // Bounded: a long-running server sees endless new words (ids, typos); start over when full.
  if (stemmed.size >= maxRemembered) stemmed.clear();
  stemmed.set(word, result);
  return result;
}

/** Words stemmed before: routing stems the same few thousand words over and over. */
const stemmed = new Map<string, string>();
const maxRemembered = 50_000;

function porterStem(word: string): string {
  let w = word
    .replace(/(?<=[a-z]{2})is(e|ed|es|ing|ation|ations|er|ers)$/, 'iz$1')
    .replace(/(?<=[a-z]{2})ys(e|ed|es|ing)$/, 'yz$1');
  if (w.length <= 2) return w;
  if (w.startsWith('y')) w = `Y${w.slice(1)}`;

  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (!w.endsWith('ss') && w.endsWith('s')) w = w.slice(0, -1);

  // Step 1b
  let extra = false;
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) {
    w = w.slice(0, -2);
    extra = true;
  } else if (w.endsWith('ing') && hasVowel(w.slice(0, -3))) {
    w = w.slice(0, -3);
    extra = true;
  }
  if (extra) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (endsWithDoubleConsonant(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
    else if (measure(w) === 1 && endsConsonantVowelConsonant(w)) w += 'e';
  }

  // Step 1c
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;

  w = replaceSuffix(w, step2Suffixes, 0);
  w = replaceSuffix(w, step3Suffixes, 0);

  // Step 4
  for (const suffix of step4Suffixes) {
    if (!w.endsWith(suffix)) continue;
    const rest = w.slice(0, -suffix.length);
    if (measure(rest) > 1 && (suffix !== 'ion' || /[st]$/.test(rest))) w = rest;
    break;
  }

  // Step 5
  if (w.endsWith('e')) {
    const rest = w.slice(0, -1);
    const m = measure(rest);
    if (m > 1 || (m === 1 && !endsConsonantVowelConsonant(rest))) w = rest;
  }
  if (measure(w) > 1 && w.endsWith('ll')) w = w.slice(0, -1);
  // Porter leaves "deploy"/"deploi" and "summary"/"summar" apart; a final y or i carries no meaning here.
  if (w.length > 4 && /[iy]$/.test(w)) w = w.slice(0, -1);
  return w.replace(/^Y/, 'y');
}

const step2Suffixes: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['izer', 'ize'],
  ['abli', 'able'],
  ['alli', 'al'],
  ['entli', 'ent'],
  ['eli', 'e'],
  ['ousli', 'ous'],
  ['ization', 'ize'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['iveness', 'ive'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['aliti', 'al'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
];

const step3Suffixes: ReadonlyArray<readonly [string, string]> = [
  ['icate', 'ic'],
  ['ative', ''],
  ['alize', 'al'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
];

const step4Suffixes = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
].sort((a, b) => b.length - a.length);

function replaceSuffix(
  word: string,
  suffixes: ReadonlyArray<readonly [string, string]>,
  minimumMeasure: number,
): string {
  for (const [suffix, replacement] of suffixes) {
    if (!word.endsWith(suffix)) continue;
    const rest = word.slice(0, -suffix.length);
    return measure(rest) > minimumMeasure ? rest + replacement : word;
  }
  return word;
}

function isConsonant(word: string, index: number): boolean {
  const letter = word[index];
  if (letter === undefined) return false;
  if ('aeiou'.includes(letter)) return false;
  if (letter === 'y') return index === 0 ? true : !isConsonant(word, index - 1);
  return true;
}

/** Porter's m: the number of vowel-consonant sequences. */
function measure(word: string): number {
  let count = 0;
  let index = 0;
  while (index < word.length && isConsonant(word, index)) index++;
  while (index < word.length) {
    while (index < word.length && !isConsonant(word, index)) index++;
    if (index >= word.length) break;
    while (index < word.length && isConsonant(word, index)) index++;
    count++;
  }
  return count;
}

function hasVowel(word: string): boolean {
  for (let index = 0; index < word.length; index++) if (!isConsonant(word, index)) return true;
  return false;
}

function endsWithDoubleConsonant(word: string): boolean {
  const length = word.length;
  return length >= 2 && word[length - 1] === word[length - 2] && isConsonant(word, length - 1);
}

function endsConsonantVowelConsonant(word: string): boolean {
  const length = word.length;
  if (length < 3) return false;
  const last = word[length - 1] ?? '';
  return (
    isConsonant(word, length - 3) &&
    !isConsonant(word, length - 2) &&
    isConsonant(word, length - 1) &&
    !'wxy'.includes(last)
  );
}
