import { createRequire } from 'node:module';

// The encodings are large (loading both costs ~0.4 s): load one when a text is first counted, not
// when Nova starts, so commands that never pack context (`nova --help`, `nova route`) do not pay.
const require = createRequire(import.meta.url);
type CountTokens = (text: string) => number;
/** A counter that loads its encoding on first use. */
function lazyCounter(encoding: string): CountTokens {
  let count: CountTokens | undefined;
  return (text) =>
    (count ??= (require(`gpt-tokenizer/encoding/${encoding}`) as { countTokens: CountTokens }).countTokens)(
      text,
    );
}
const countO200k = lazyCounter('o200k_base');
const countCl100k = lazyCounter('cl100k_base');

export interface TokenCounter {
  readonly encoding: 'o200k_base' | 'cl100k_base';
  /** True when the model family's own tokenizer is not available offline and cl100k stands in. */
  readonly approximate: boolean;
  count(text: string): number;
}

const o200k: TokenCounter = { encoding: 'o200k_base', approximate: false, count: countO200k };
const cl100k: TokenCounter = {
  encoding: 'cl100k_base',
  approximate: false,
  count: countCl100k,
};
const cl100kEstimate: TokenCounter = { ...cl100k, approximate: true };

/**
 * The tokenizer of a model's family: OpenAI's current models use o200k_base, older ones
 * cl100k_base. Anthropic, Google and local models have no tokenizer that ships offline, so
 * cl100k_base estimates them (usually within ~15%) and says so.
 */
export function tokenCounterFor(modelId: string): TokenCounter {
  const [provider = '', model = ''] = modelId.split(/:(.*)/s);
  if (provider === 'openai') {
    return /^(gpt-3\.5|gpt-4(?!o|\.1)|text-embedding-ada)/.test(model) ? cl100k : o200k;
  }
  return cl100kEstimate;
}
