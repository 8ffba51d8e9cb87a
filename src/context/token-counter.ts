import { createRequire } from 'node:module';

// The encodings are large (loading both costs ~0.4 s): load one when a text is first counted, not
// when Nova starts, so commands that never pack context (`nova --help`, `nova route`) do not pay.
const require = createRequire(import.meta.url);
type CountTokens = (text: string) => number;
let o200kCount: CountTokens | undefined;
let cl100kCount: CountTokens | undefined;
function countO200k(text: string): number {
  o200kCount ??= (require('gpt-tokenizer/encoding/o200k_base') as { countTokens: CountTokens }).countTokens;
  return o200kCount(text);
}
function countCl100k(text: string): number {
  cl100kCount ??= (require('gpt-tokenizer/encoding/cl100k_base') as { countTokens: CountTokens }).countTokens;
  return cl100kCount(text);
}

export interface TokenCounter {
  readonly encoding: 'o200k_base' | 'cl100k_base';
  /** True when the model family's own tokenizer is not available offline and cl100k stands in. */
  readonly approximate: boolean;
  count(text: string): number;
}

const o200k: TokenCounter = { encoding: 'o200k_base', approximate: false, count: (text) => countO200k(text) };
const cl100k: TokenCounter = {
  encoding: 'cl100k_base',
  approximate: false,
  count: (text) => countCl100k(text),
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
