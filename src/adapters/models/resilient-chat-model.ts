import { APICallError } from '@ai-sdk/provider';
import { NovaError } from '../../domain/nova-error.ts';
import type { ChatModel, ModelRequest, ModelResponse } from '../../ports/chat-model.ts';
import type { Clock } from '../../ports/clock.ts';

export interface RetryNotice {
  readonly modelId: string;
  /** 1 for the first retry. */
  readonly retry: number;
  readonly delayMs: number;
  readonly reason: string;
}

export interface ResilienceOptions {
  /** Attempts after the first, on retryable errors only. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Tried (with the same retries) when the primary model has failed. */
  readonly fallback?: ChatModel;
  /** 0..1; jitter source, injectable for tests. */
  readonly random?: () => number;
  readonly onRetry?: (notice: RetryNotice) => void;
}

interface AttemptFailure {
  readonly model: string;
  readonly attempts: number;
  readonly reason: string;
  readonly status?: number;
}

function describe(
  error: unknown,
  timedOut: boolean,
  timeoutMs: number,
): { reason: string; status?: number; retryable: boolean } {
  if (timedOut) return { reason: `no answer within ${timeoutMs} ms`, retryable: true };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    return {
      reason: error.message,
      ...(status === undefined ? {} : { status }),
      retryable: error.isRetryable || status === 429 || (status !== undefined && status >= 500),
    };
  }
  // Network failures (connection refused, reset) surface as TypeError from fetch: worth a retry.
  const message = error instanceof Error ? error.message : String(error);
  return {
    reason: message,
    retryable: error instanceof TypeError && /fetch failed|network|ECONN/i.test(message),
  };
}

/**
 * Wraps a model with a per-call timeout, retries with exponential backoff and jitter on
 * retryable errors (429, 5xx, timeouts, network), and one fallback model. A caller's abort is a
 * cancellation, never retried. Once text has streamed to the caller a failure is not retried,
 * since the caller would see the text twice.
 */
export class ResilientChatModel implements ChatModel {
  readonly id: string;
  readonly #primary: ChatModel;
  readonly #options: ResilienceOptions;

  constructor(primary: ChatModel, options: ResilienceOptions) {
    this.id = primary.id;
    this.#primary = primary;
    this.#options = options;
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const failures: AttemptFailure[] = [];
    for (const model of [this.#primary, ...(this.#options.fallback ? [this.#options.fallback] : [])]) {
      const result = await this.#withRetries(model, request);
      if ('response' in result) return result.response;
      failures.push(result.failure);
      if (result.final) break;
    }
    const [first, second] = failures;
    const text = failures
      .map(
        (failure, index) =>
          `${index === 1 ? 'fallback ' : ''}${failure.model} failed after ${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'}: ${failure.reason}`,
      )
      .join('; ');
    throw new NovaError('MODEL_ERROR', text, {
      details: {
        modelId: first?.model,
        attempts: first?.attempts,
        ...(first?.status === undefined ? {} : { status: first.status }),
        ...(second
          ? {
              fallback: {
                modelId: second.model,
                attempts: second.attempts,
                ...(second.status === undefined ? {} : { status: second.status }),
              },
            }
          : {}),
      },
    });
  }

  async #withRetries(
    model: ChatModel,
    request: ModelRequest,
  ): Promise<{ response: ModelResponse } | { failure: AttemptFailure; final: boolean }> {
    const { retries, baseDelayMs, maxDelayMs, timeoutMs, clock, onRetry } = this.#options;
    const random = this.#options.random ?? Math.random;
    for (let attempt = 1; ; attempt++) {
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
      let streamed = false;
      try {
        const response = await model.generate({
          ...request,
          signal,
          ...(request.onTextDelta
            ? {
                onTextDelta: (delta: string) => {
                  streamed = true;
                  request.onTextDelta?.(delta);
                },
              }
            : {}),
        });
        return { response };
      } catch (error) {
        if (request.signal?.aborted)
          throw new NovaError('CANCELLED', 'the model call was cancelled', { cause: error });
        const { reason, status, retryable } = describe(error, timeout.signal.aborted, timeoutMs);
        const failure = {
          model: model.id,
          attempts: attempt,
          reason,
          ...(status === undefined ? {} : { status }),
        };
        if (!retryable || streamed || attempt > retries) return { failure, final: streamed };
        const delayMs = Math.round(
          Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)) * (0.5 + random() / 2),
        );
        onRetry?.({ modelId: model.id, retry: attempt, delayMs, reason });
        try {
          await clock.sleep(delayMs, request.signal);
        } catch (sleepError) {
          throw new NovaError('CANCELLED', 'the model call was cancelled', { cause: sleepError });
        }
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
