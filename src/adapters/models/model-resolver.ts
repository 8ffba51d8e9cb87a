import path from 'node:path';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { ModelsConfig } from '../../config/nova-config.ts';
import { NovaError } from '../../domain/nova-error.ts';
import type { ChatModel, ModelResolver } from '../../ports/chat-model.ts';
import type { Clock } from '../../ports/clock.ts';
import { AiSdkChatModel } from './ai-sdk-chat-model.ts';
import { loadModelScript, type ModelScript } from './model-script.ts';
import { parseModelId } from './model-id.ts';
import { ResilientChatModel, type RetryNotice } from './resilient-chat-model.ts';
import { ScriptedLanguageModel } from './scripted-language-model.ts';

const hostedProviders = {
  openai: { keyEnv: 'OPENAI_API_KEY', create: createOpenAI },
  anthropic: { keyEnv: 'ANTHROPIC_API_KEY', create: createAnthropic },
  google: { keyEnv: 'GOOGLE_GENERATIVE_AI_API_KEY', create: createGoogleGenerativeAI },
} as const;

/** OpenAI-compatible local servers and their usual addresses. */
const localServers: Record<string, string> = {
  ollama: 'http://127.0.0.1:11434/v1',
  lmstudio: 'http://127.0.0.1:1234/v1',
  llamacpp: 'http://127.0.0.1:8080/v1',
  vllm: 'http://127.0.0.1:8000/v1',
};

export const knownProviders = ['scripted', ...Object.keys(hostedProviders), ...Object.keys(localServers)];

export const howToConfigureModel =
  'No model is configured. Set one, for example:\n' +
  '  NOVA_MODEL=openai:gpt-4o-mini   (with OPENAI_API_KEY set)\n' +
  '  NOVA_MODEL=ollama:llama3.1      (with Ollama running locally)\n' +
  '  NOVA_MODEL=scripted:examples/hello.json   (a scripted demo model, no provider needed)\n' +
  'or put "models": { "default": "<provider:model>" } in nova.config.json.';

export interface ModelResolverOptions {
  readonly config: ModelsConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Scripted model paths are relative to this folder. */
  readonly baseDir: string;
  readonly clock: Clock;
  readonly onRetry?: (notice: RetryNotice) => void;
}

/** Builds models from `provider:model` ids, each wrapped with timeout, retries and fallback. */
export function createModelResolver(options: ModelResolverOptions): ModelResolver {
  const { config, env, baseDir, clock } = options;
  const scripts = new Map<string, ModelScript>();
  const defaultId = env.NOVA_MODEL || config.default;
  const fallbackId = env.NOVA_FALLBACK_MODEL || config.fallback;

  function baseURLOf(provider: string): string | undefined {
    return config.providers[provider]?.baseUrl ?? localServers[provider];
  }

  function languageModel(id: string): LanguageModelV3 {
    const { provider, model } = parseModelId(id);
    if (provider === 'scripted') {
      const file = path.resolve(baseDir, model);
      let script = scripts.get(file);
      if (!script) {
        script = loadModelScript(file);
        scripts.set(file, script);
      }
      // A fresh player per resolve: every run plays the script from its first response.
      return new ScriptedLanguageModel(script, model);
    }
    const settings = config.providers[provider];
    if (provider in hostedProviders) {
      const hosted = hostedProviders[provider as keyof typeof hostedProviders];
      const keyEnv = settings?.apiKeyEnv ?? hosted.keyEnv;
      const apiKey = env[keyEnv];
      if (!apiKey) {
        throw new NovaError(
          'MODEL_NOT_CONFIGURED',
          `${id} needs an API key: set the environment variable ${keyEnv}`,
          {
            details: { modelId: id, variable: keyEnv },
          },
        );
      }
      return hosted.create({ apiKey, ...(settings?.baseUrl ? { baseURL: settings.baseUrl } : {}) })(model);
    }
    const baseURL = baseURLOf(provider);
    if (!baseURL) {
      throw new NovaError(
        'CONFIG_INVALID',
        `unknown model provider "${provider}" in "${id}". Known providers: ${knownProviders.join(', ')}; for another OpenAI-compatible server set models.providers.${provider}.baseUrl in nova.config.json`,
        { details: { modelId: id } },
      );
    }
    const apiKey = settings?.apiKeyEnv ? env[settings.apiKeyEnv] : undefined;
    return createOpenAICompatible({ name: provider, baseURL, ...(apiKey ? { apiKey } : {}) }).chatModel(
      model,
    );
  }

  function chatModel(id: string): ChatModel {
    return new AiSdkChatModel(id, languageModel(id));
  }

  return {
    resolve(modelId) {
      const id = modelId ?? defaultId;
      if (!id) throw new NovaError('MODEL_NOT_CONFIGURED', howToConfigureModel);
      const primary = chatModel(id);
      let fallback: ChatModel | undefined;
      if (fallbackId && fallbackId !== id) {
        try {
          fallback = chatModel(fallbackId);
        } catch {
          // A fallback that cannot be built (say, its key is missing) is skipped; doctor reports it.
          fallback = undefined;
        }
      }
      return new ResilientChatModel(primary, {
        retries: config.retries,
        baseDelayMs: config.retryBaseDelayMs,
        maxDelayMs: config.retryMaxDelayMs,
        timeoutMs: config.timeoutMs,
        clock,
        ...(fallback ? { fallback } : {}),
        ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      });
    },

    async check(modelId) {
      try {
        const { provider, model } = parseModelId(modelId);
        languageModel(modelId);
        if (provider === 'scripted') {
          const script = scripts.get(path.resolve(baseDir, model));
          return { ok: true, detail: `script with ${script?.responses.length ?? 0} responses` };
        }
        if (provider in hostedProviders) {
          const keyEnv =
            config.providers[provider]?.apiKeyEnv ??
            hostedProviders[provider as keyof typeof hostedProviders].keyEnv;
          return { ok: true, detail: `API key found in ${keyEnv} (the provider was not contacted)` };
        }
        const baseURL = baseURLOf(provider) ?? '';
        const response = await fetch(`${baseURL.replace(/\/$/, '')}/models`, {
          signal: AbortSignal.timeout(2_000),
        });
        return response.ok
          ? { ok: true, detail: `${baseURL} answers` }
          : { ok: false, detail: `${baseURL}/models answered ${response.status}` };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, detail: message };
      }
    },
  };
}
