import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3GenerateResult,
  type LanguageModelV3StreamPart,
  type LanguageModelV3StreamResult,
} from '@ai-sdk/provider';

export type Fault =
  | { readonly kind: 'timeout' }
  | { readonly kind: 'http'; readonly status: number }
  | { readonly kind: 'malformed-tool-call' }
  | { readonly kind: 'empty' };

export interface FaultPlan {
  /** Faults by call index (0-based). */
  readonly byCall?: Readonly<Record<number, Fault>>;
  /** Otherwise, each call fails with this probability (seeded, so runs repeat exactly). */
  readonly probability?: number;
  readonly faults?: readonly Fault[];
  readonly seed?: number;
}

/** Mulberry32: small, fast and good enough to pick faults reproducibly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function hangUntilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

/**
 * Wraps a model and makes chosen calls fail the way real providers do: hang until aborted,
 * answer 429/5xx (retryable) or 4xx (not), send tool arguments that are not JSON, or say
 * nothing at all. `fired` records what was injected, by call.
 */
export class FaultInjectingLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly supportedUrls: LanguageModelV3['supportedUrls'];
  readonly fired: Array<{ call: number; fault: Fault }> = [];
  readonly #inner: LanguageModelV3;
  readonly #plan: FaultPlan;
  readonly #random: () => number;
  #calls = 0;

  constructor(inner: LanguageModelV3, plan: FaultPlan) {
    this.#inner = inner;
    this.#plan = plan;
    this.provider = inner.provider;
    this.modelId = inner.modelId;
    this.supportedUrls = inner.supportedUrls;
    this.#random = seededRandom(plan.seed ?? 1);
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const fault = await this.#before(options);
    const result = await this.#inner.doGenerate(options);
    if (fault?.kind === 'empty') return { ...result, content: [] };
    if (fault?.kind === 'malformed-tool-call') {
      return {
        ...result,
        content: result.content.map((part) =>
          part.type === 'tool-call' ? { ...part, input: `${part.input.slice(0, -1)},` } : part,
        ),
      };
    }
    return result;
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const fault = await this.#before(options);
    const result = await this.#inner.doStream(options);
    if (fault?.kind !== 'empty' && fault?.kind !== 'malformed-tool-call') return result;
    const transform = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
      transform(part, controller) {
        if (fault.kind === 'empty' && (part.type.startsWith('text-') || part.type.startsWith('tool-')))
          return;
        if (fault.kind === 'malformed-tool-call' && part.type === 'tool-call') {
          controller.enqueue({ ...part, input: `${part.input.slice(0, -1)},` });
          return;
        }
        controller.enqueue(part);
      },
    });
    return { ...result, stream: result.stream.pipeThrough(transform) };
  }

  async #before(options: LanguageModelV3CallOptions): Promise<Fault | undefined> {
    const call = this.#calls++;
    const fault = this.#choose(call);
    if (!fault) return undefined;
    this.fired.push({ call, fault });
    if (fault.kind === 'timeout') return hangUntilAborted(options.abortSignal);
    if (fault.kind === 'http') {
      throw new APICallError({
        message: `injected HTTP ${fault.status}`,
        url: `fault://${this.modelId}`,
        requestBodyValues: {},
        statusCode: fault.status,
      });
    }
    return fault;
  }

  #choose(call: number): Fault | undefined {
    const planned = this.#plan.byCall?.[call];
    if (planned) return planned;
    const { probability, faults } = this.#plan;
    if (!probability || !faults?.length) return undefined;
    if (this.#random() >= probability) return undefined;
    return faults[Math.floor(this.#random() * faults.length)];
  }
}
