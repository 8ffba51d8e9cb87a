import path from 'node:path';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { ModelsConfig } from '../../config/nova-config.ts';
import { NovaError, toNovaError } from '../../domain/nova-error.ts';
import type { ChatModel, ModelResolver } from '../../ports/chat-model.ts';
import type { Clock } from '../../ports/clock.ts';
import { AiSdkChatModel } from './ai-sdk-chat-model.ts';
import { parseModelId } from './model-id.ts';
import { loadScript } from './model-script.ts';
import { ResilientChatModel, type RetryNotice } from './resilient-chat-model.ts';
import { ScriptedLanguageModel } from './scripted-language-model.ts';

export { createScriptedChatModel } from './create-scripted-chat-model.ts';

const hostedProviders = {
  openai: { keyEnv: 'OPENAI_API_KEY', create: createOpenAI },
  anthropic: { keyEnv: 'ANTHROPIC_API_KEY', create: createAnthropic },
  google: { keyEnv: 'GOOGLE_GENERATIVE_AI_API_KEY', create: createGoogleGenerativeAI },
} as const;

type HostedProvider = keyof typeof hostedProviders;

function isHosted(provider: string): provider is HostedProvider {
  return Object.hasOwn(hostedProviders, provider);
}

/** OpenAI-compatible local servers and where they listen by default. */
const localServers: Readonly<Record<string, string>> = {
  ollama: 'http://127.0.0.1:11434/v1',
  lmstudio: 'http://127.0.0.1:1234/v1',
  llamacpp: 'http://127.0.0.1:8080/v1',
  vllm: 'http://127.0.0.1:8000/v1',
};

export const knownProviders: readonly string[] = [
  ...Object.keys(hostedProviders),
  ...Object.keys(localServers),
  'scripted',
];

export const howToConfigureModel =
  'No model is configured. Set one, for example:\n' +
  '  NOVA_MODEL=openai:gpt-4o-mini             (and OPENAI_API_KEY)\n' +
  '  NOVA_MODEL=ollama:llama3.1                (with Ollama running on this machine)\n' +
  '  NOVA_MODEL=scripted:examples/hello.json   (a scripted demo model; needs no provider)\n' +
  'or set models.default in nova.config.json, e.g. { "models": { "default": "openai:gpt-4o-mini" } }.';

export interface ModelResolverOptions {
  readonly config: ModelsConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `scripted:` paths are relative to this folder. */
  readonly baseDir: string;
  readonly clock: Clock;
  /** Told before each retry of any resolved model. */
  readonly onRetry?: (notice: RetryNotice) => void;
}

const checkTimeoutMs = 2_000;

function describeFetchFailure(error: unknown, url: string): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer from ${url} within ${checkTimeoutMs / 1000} s`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  const code = cause?.code ?? (error instanceof Error ? error.message : String(error));
  return `cannot reach ${url} (${code}); is the server running there?`;
}

/**
 * Builds models from `provider:model` ids, each wrapped in ResilientChatModel (timeout, retries,
 * fallback). `NOVA_MODEL` / `NOVA_FALLBACK_MODEL` override `models.default` / `models.fallback`.
 * Throws NovaError MODEL_NOT_CONFIGURED (no model, or a missing API key) or CONFIG_INVALID (a
 * malformed id, an unknown provider, a broken script).
 */
export function createModelResolver(options: ModelResolverOptions): ModelResolver {
  const { config, env, baseDir, clock } = options;
  const scripts = new Map<string, ReturnType<typeof loadScript>>();
  const defaultId = env.NOVA_MODEL || config.default;
  const fallbackId = env.NOVA_FALLBACK_MODEL || config.fallback;

  /** The variable that holds a provider's key: configured, or the provider's usual one. */
  function keyVariable(provider: string): string | undefined {
    return (
      config.providers[provider]?.apiKeyEnv ??
      (isHosted(provider) ? hostedProviders[provider].keyEnv : undefined)
    );
  }

  function apiKey(id: string, provider: string): string | undefined {
    const variable = keyVariable(provider);
    if (variable === undefined) return undefined;
    const key = env[variable];
    if (!key) {
      throw new NovaError(
        'MODEL_NOT_CONFIGURED',
        `${id} needs an API key: set the environment variable ${variable}`,
        { details: { modelId: id, variable } },
      );
    }
    return key;
  }

  function baseUrlOf(provider: string): string | undefined {
    return config.providers[provider]?.baseUrl ?? localServers[provider];
  }

  function script(model: string): ReturnType<typeof loadScript> {
    const file = path.resolve(baseDir, model);
    let loaded = scripts.get(file);
    if (!loaded) {
      loaded = loadScript(file);
      scripts.set(file, loaded);
    }
    return loaded;
  }

  function languageModel(id: string): LanguageModelV3 {
    const { provider, model } = parseModelId(id);
    // A fresh player for every resolve: each run plays the script from its first response.
    if (provider === 'scripted') return new ScriptedLanguageModel(script(model), model);
    const baseURL = baseUrlOf(provider);
    if (!isHosted(provider) && !baseURL) {
      throw new NovaError(
        'CONFIG_INVALID',
        `unknown model provider "${provider}" in "${id}". Known providers: ${knownProviders.join(', ')}. ` +
          `For another OpenAI-compatible server, set models.providers.${provider}.baseUrl in nova.config.json`,
        { details: { modelId: id, provider, knownProviders } },
      );
    }
    const key = apiKey(id, provider);
    if (isHosted(provider)) {
      return hostedProviders[provider].create({
        ...(key ? { apiKey: key } : {}),
        ...(baseURL ? { baseURL } : {}),
      })(model);
    }
    return createOpenAICompatible({
      name: provider,
      baseURL: baseURL ?? '',
      // Token budgets need usage figures on streamed answers too.
      includeUsage: true,
      ...(key ? { apiKey: key } : {}),
    }).chatModel(model);
  }

  function chatModel(id: string): ChatModel {
    return new AiSdkChatModel(id, languageModel(id));
  }

  /** Key values in use, so no error text can carry one. */
  function secrets(): string[] {
    const variables = new Set<string>(Object.values(hostedProviders).map((hosted) => hosted.keyEnv));
    for (const settings of Object.values(config.providers)) {
      if (settings.apiKeyEnv) variables.add(settings.apiKeyEnv);
    }
    return [...variables]
      .map((variable) => env[variable])
      .filter((value): value is string => value !== undefined && value.length >= 4);
  }

  function redact(text: string): string {
    return secrets().reduce((result, secret) => result.split(secret).join('[redacted]'), text);
  }

  async function checkServer(provider: string, model: string): Promise<{ ok: boolean; detail: string }> {
    const baseURL = (baseUrlOf(provider) ?? '').replace(/\/+$/, '');
    const url = `${baseURL}/models`;
    const variable = keyVariable(provider);
    const key = variable ? env[variable] : undefined;
    let response: Response;
    try {
      response = await fetch(url, {
        signal: AbortSignal.timeout(checkTimeoutMs),
        ...(key ? { headers: { Authorization: `Bearer ${key}` } } : {}),
      });
    } catch (error) {
      return { ok: false, detail: describeFetchFailure(error, baseURL) };
    }
    if (!response.ok) {
      await response.body?.cancel();
      const hint =
        response.status === 401 || response.status === 403
          ? `; if it needs a key, set models.providers.${provider}.apiKeyEnv and that variable`
          : '';
      return { ok: false, detail: `${url} answered ${response.status} ${response.statusText}${hint}` };
    }
    const body = (await response.json().catch(() => ({}))) as { data?: Array<{ id?: unknown }> };
    const listed = Array.isArray(body.data) ? body.data.map((entry) => String(entry.id)) : [];
    const known = listed.some((name) => name === model || name === `${model}:latest`);
    return {
      ok: true,
      detail:
        listed.length === 0 || known
          ? `${baseURL} answers${known ? ` and lists ${model}` : ''}`
          : `${baseURL} answers, but does not list ${model} (it lists ${listed.slice(0, 8).join(', ')})`,
    };
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
        } catch (error) {
          // Only matters if the primary fails; then the final error says why the fallback could not help.
          fallback = { id: fallbackId, generate: () => Promise.reject(toNovaError(error, 'CONFIG_INVALID')) };
        }
      }
      return new ResilientChatModel(primary, {
        retries: config.retries,
        baseDelayMs: config.retryBaseDelayMs,
        maxDelayMs: config.retryMaxDelayMs,
        timeoutMs: config.timeoutMs,
        clock,
        secrets: secrets(),
        ...(fallback ? { fallback } : {}),
        ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      });
    },

    async check(modelId) {
      try {
        const { provider, model } = parseModelId(modelId);
        if (provider === 'scripted') {
          const { responses, loop } = script(model);
          return {
            ok: true,
            detail: `${path.resolve(baseDir, model)} loads: ${responses.length} response${responses.length === 1 ? '' : 's'}${loop ? ', looping' : ''}`,
          };
        }
        languageModel(modelId);
        if (isHosted(provider)) {
          // No call to the internet from a health check: the key's presence is what can be known.
          return {
            ok: true,
            detail: `API key found in ${keyVariable(provider)} (the provider was not contacted)`,
          };
        }
        return await checkServer(provider, model);
      } catch (error) {
        return { ok: false, detail: redact(error instanceof Error ? error.message : String(error)) };
      }
    },
  };
}
