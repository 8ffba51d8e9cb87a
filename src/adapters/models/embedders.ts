import { createHash } from 'node:crypto';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany } from 'ai';
import { NovaError } from '../../domain/nova-error.ts';
import type { Embedder } from '../../ports/embedder.ts';
import { isStopWord, tokens } from '../../routing/text-features.ts';
import { loadWordVectors } from '../../routing/word-vectors.ts';

/**
 * `hash:<dims>`: a deterministic embedding by feature hashing of words and word pairs (signed
 * buckets, L2-normalised). No model and no network; texts sharing words land near each other.
 * For tests, benchmarks and offline use; real meaning needs a real embedding model.
 */
export function hashEmbedder(dims: number): Embedder {
  if (!Number.isInteger(dims) || dims < 8 || dims > 4096) {
    throw new NovaError(
      'CONFIG_INVALID',
      `hash embeddings need 8 to 4096 dimensions (got "${dims}"), e.g. memory.embeddingModel "hash:256"`,
    );
  }
  const bucket = (token: string): { index: number; sign: number } => {
    const digest = createHash('sha1').update(token).digest();
    return { index: digest.readUInt32LE(0) % dims, sign: (digest[4] ?? 0) & 1 ? 1 : -1 };
  };
  return {
    id: `hash:${dims}`,
    embed(texts) {
      return Promise.resolve(
        texts.map((text) => {
          const vector = new Float32Array(dims);
          const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
          const tokens = [...words, ...words.slice(1).map((word, index) => `${words[index]} ${word}`)];
          for (const token of tokens) {
            const { index, sign } = bucket(token);
            vector[index] = (vector[index] ?? 0) + sign;
          }
          let norm = 0;
          for (const value of vector) norm += value * value;
          norm = Math.sqrt(norm) || 1;
          for (let index = 0; index < dims; index += 1) vector[index] = (vector[index] ?? 0) / norm;
          return vector;
        }),
      );
    },
  };
}

/**
 * `glove:50k`: the mean of the shipped GloVe word vectors (data/word-vectors) over a text's
 * content words, L2-normalised: offline, instant, and semantic at the level of words ("invoice"
 * lands near "billing"), though blind to word order. `glove:<file.bin>` reads another file in
 * Nova's word-vector format.
 */
export function gloveEmbedder(model: string): Embedder {
  const vectors =
    model === '50k' ? loadWordVectors() : model.endsWith('.bin') ? loadWordVectors(model) : undefined;
  if (!vectors) {
    throw new NovaError(
      'CONFIG_INVALID',
      `unknown word vectors "glove:${model}": use glove:50k (shipped) or glove:<path to a .bin file made by scripts/build-word-vectors.ts>`,
    );
  }
  const dims = vectors.dimensions;
  return {
    id: `glove:${vectors.id ?? model}`,
    embed(texts) {
      return Promise.resolve(
        texts.map((text) => {
          const mean = new Float32Array(dims);
          for (const token of tokens(text)) {
            if (isStopWord(token)) continue;
            const vector = vectors.vector(token);
            if (!vector) continue;
            for (let index = 0; index < dims; index += 1)
              mean[index] = (mean[index] ?? 0) + (vector[index] ?? 0);
          }
          let norm = 0;
          for (const value of mean) norm += value * value;
          norm = Math.sqrt(norm) || 1;
          for (let index = 0; index < dims; index += 1) mean[index] = (mean[index] ?? 0) / norm;
          return mean;
        }),
      );
    },
  };
}

const localServers: Readonly<Record<string, string>> = {
  ollama: 'http://127.0.0.1:11434/v1',
  lmstudio: 'http://127.0.0.1:1234/v1',
  llamacpp: 'http://127.0.0.1:8080/v1',
  vllm: 'http://127.0.0.1:8000/v1',
};

/**
 * An embedding model by id: `hash:<dims>`, `openai:<model>` (OPENAI_API_KEY), or a local
 * OpenAI-compatible server (`ollama:nomic-embed-text`, or any provider with a configured baseUrl).
 */
export function createEmbedder(
  modelId: string,
  options: {
    env: Readonly<Record<string, string | undefined>>;
    baseUrls: Readonly<Record<string, string | undefined>>;
  },
): Embedder {
  const separator = modelId.indexOf(':');
  const provider = separator > 0 ? modelId.slice(0, separator) : '';
  const model = separator > 0 ? modelId.slice(separator + 1) : '';
  if (!provider || !model) {
    throw new NovaError(
      'CONFIG_INVALID',
      `embedding model "${modelId}" must be provider:model, e.g. openai:text-embedding-3-small, ollama:nomic-embed-text, glove:50k or hash:256`,
    );
  }
  if (provider === 'hash') return hashEmbedder(Number(model));
  if (provider === 'glove') return gloveEmbedder(model);
  let embeddingModel;
  if (provider === 'openai' && !options.baseUrls.openai) {
    const apiKey = options.env.OPENAI_API_KEY;
    if (!apiKey)
      throw new NovaError(
        'MODEL_NOT_CONFIGURED',
        `${modelId} needs an API key: set the environment variable OPENAI_API_KEY`,
      );
    embeddingModel = createOpenAI({ apiKey }).embeddingModel(model);
  } else {
    const baseURL = options.baseUrls[provider] ?? localServers[provider];
    if (!baseURL) {
      throw new NovaError(
        'CONFIG_INVALID',
        `unknown embedding provider "${provider}" in "${modelId}"; set models.providers.${provider}.baseUrl to an OpenAI-compatible server`,
      );
    }
    embeddingModel = createOpenAICompatible({ name: provider, baseURL }).embeddingModel(model);
  }
  return {
    id: modelId,
    async embed(texts, signal) {
      const { embeddings } = await embedMany({
        model: embeddingModel,
        values: [...texts],
        maxRetries: 2,
        ...(signal ? { abortSignal: signal } : {}),
      });
      return embeddings.map((embedding) => Float32Array.from(embedding));
    },
  };
}
