import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3GenerateResult,
  type LanguageModelV3StreamPart,
  type LanguageModelV3StreamResult,
} from '@ai-sdk/provider';

/**
 * A failure as real providers produce them:
 * - `timeout`: the call hangs until its abort signal fires;
 * - `http`: the provider answers with this status (429, 5xx and 408 are retryable, other 4xx not);
 * - `malformed-tool-call`: tool-call arguments arrive as text that is not JSON;
 * - `empty`: the model answers with neither text nor tool calls.
 */
export type Fault =
  | { readonly kind: 'timeout' }
  | { readonly kind: 'http'; readonly status: number; readonly message?: string }
  | { readonly kind: 'malformed-tool-call' }
  | { readonly kind: 'empty' };

export interface FaultPlan {
  /** Faults by call index (0-based); these always fire. */
  readonly byCall?: Readonly<Record<number, Fault>>;
  /** Every other call fails with this probability (0..1), picking one of `faults`. */
  readonly probability?: number;
  readonly faults?: readonly Fault[];
  /** Seeds the random choice, so the same plan fails the same calls every time. */
  readonly seed?: number;
}

export interface FiredFault {
  /** 0-based index of the call the fault hit. */
  readonly call: number;
  readonly fault: Fault;
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
  const reason = (): Error =>
    signal?.reason instanceof Error
      ? signal.reason
      : new DOMException('This operation was aborted', 'AbortError');
  return new Promise((_, reject) => {
    if (signal?.aborted) return reject(reason());
    signal?.addEventListener('abort', () => reject(reason()), { once: true });
  });
}

/** Cuts the closing brace and adds a comma: looks like JSON, is not. */
function breakJson(input: string): string {
  return `${input.slice(0, -1)},`;
}

/**
 * Wraps any model and makes chosen calls fail the way real providers do (see `Fault`), by call
 * index or by seeded chance. `fired` records what was injected, in order.
 */
export class FaultInjectingLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly supportedUrls: LanguageModelV3['supportedUrls'];
  readonly fired: FiredFault[] = [];
  readonly #inner: LanguageModelV3;
  readonly #plan: FaultPlan;
  readonly #random: () => number;
  #calls = 0;

  constructor(inner: LanguageModelV3, plan: FaultPlan) {
    if (plan.probability !== undefined && (plan.probability < 0 || plan.probability > 1)) {
      throw new RangeError(`fault probability must be between 0 and 1, got ${plan.probability}`);
    }
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
    if (fault?.kind === 'empty') {
      return { ...result, content: [], finishReason: { unified: 'stop', raw: 'stop' } };
    }
    if (fault?.kind === 'malformed-tool-call') {
      return {
        ...result,
        content: result.content.map((part) =>
          part.type === 'tool-call' ? { ...part, input: breakJson(part.input) } : part,
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
        if (fault.kind === 'empty') {
          if (part.type.startsWith('text-') || part.type.startsWith('tool-')) return;
          if (part.type === 'finish') {
            controller.enqueue({ ...part, finishReason: { unified: 'stop', raw: 'stop' } });
            return;
          }
        } else if (part.type === 'tool-call') {
          controller.enqueue({ ...part, input: breakJson(part.input) });
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
      // APICallError derives isRetryable from the status (408, 409, 429, 5xx), as providers' errors do.
      throw new APICallError({
        message: `${fault.status} ${fault.message ?? 'injected fault'}`,
        url: `fault://${this.provider}/${this.modelId}`,
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
