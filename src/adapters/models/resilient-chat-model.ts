import { APICallError } from '@ai-sdk/provider';
import { NovaError } from '../../domain/nova-error.ts';
import type { ChatModel, ModelRequest, ModelResponse } from '../../ports/chat-model.ts';
import type { Clock } from '../../ports/clock.ts';

/** Told to `onRetry` before each retry, so the runtime can journal attempts. */
export interface RetryNotice {
  readonly modelId: string;
  /** 1 for the first retry. */
  readonly retry: number;
  readonly delayMs: number;
  /** What went wrong with the attempt before. */
  readonly reason: string;
  readonly status?: number;
}

export interface ResilienceOptions {
  /** Attempts after the first, on retryable errors only. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Backoff waits go through the clock, so tests need not sleep. */
  readonly clock: Clock;
  /** Tried (with the same retries) when the primary model has failed. */
  readonly fallback?: ChatModel;
  /** 0..1; the jitter source, injectable for tests. */
  readonly random?: () => number;
  readonly onRetry?: (notice: RetryNotice) => void;
  /** Values (API keys) blanked out of any error text, should a provider echo them. */
  readonly secrets?: readonly string[];
}

interface Failure {
  readonly modelId: string;
  readonly attempts: number;
  readonly reason: string;
  readonly status?: number;
  /** Text had reached the caller: neither retried nor handed to the fallback. */
  readonly streamed: boolean;
}

interface Diagnosis {
  readonly reason: string;
  readonly status?: number;
  readonly retryable: boolean;
  /** What the provider asked us to wait (Retry-After), if anything. */
  readonly retryAfterMs?: number;
}

function retryAfterMs(error: APICallError, now: number): number | undefined {
  const headers = error.responseHeaders ?? {};
  const milliseconds = Number(headers['retry-after-ms']);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function diagnose(error: unknown, timedOut: boolean, timeoutMs: number, now: number): Diagnosis {
  if (timedOut) return { reason: `no answer within ${timeoutMs} ms`, retryable: true };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const message = error.message.trim() || 'no message';
    const after = retryAfterMs(error, now);
    return {
      reason: status === undefined || message.startsWith(String(status)) ? message : `${status} ${message}`,
      ...(status === undefined ? {} : { status }),
      retryable: error.isRetryable || status === 429 || (status !== undefined && status >= 500),
      ...(after === undefined ? {} : { retryAfterMs: after }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  // Network failures outside a provider's wrapper surface as fetch's TypeError: worth a retry.
  const network = error instanceof TypeError && /fetch failed|network|ECONN|socket/i.test(message);
  return { reason: message, retryable: network };
}

function rejectOnAbort(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort = (): void => undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

function cancelled(cause: unknown): NovaError {
  return new NovaError('CANCELLED', 'the model call was cancelled', { cause });
}

/**
 * Wraps a model with a per-attempt timeout, retries with exponential backoff and jitter on
 * retryable errors (429, 5xx, timeouts, network), and one fallback model. A caller's abort is a
 * cancellation (NovaError CANCELLED), never retried. Client errors (400, 401, ...) are not
 * retried. Once text has streamed to the caller a failure is final: a retry would show the text
 * twice. What is left is a NovaError MODEL_ERROR saying what happened to each model.
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
    const failures: Failure[] = [];
    const { fallback } = this.#options;
    for (const model of fallback ? [this.#primary, fallback] : [this.#primary]) {
      const result = await this.#attempts(model, request);
      if ('response' in result) return result.response;
      failures.push(result.failure);
      if (result.failure.streamed) break;
    }
    throw this.#modelError(failures);
  }

  async #attempts(
    model: ChatModel,
    request: ModelRequest,
  ): Promise<{ response: ModelResponse } | { failure: Failure }> {
    const { retries, baseDelayMs, maxDelayMs, timeoutMs, clock, onRetry } = this.#options;
    const random = this.#options.random ?? Math.random;
    for (let attempt = 1; ; attempt++) {
      if (request.signal?.aborted) throw cancelled(request.signal.reason);
      const timeout = new AbortController();
      // Real time, not the clock: a test clock that returns at once would time every call out.
      const timer = setTimeout(() => timeout.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
      // Holds the timeout even against a model that ignores its abort signal.
      const aborted = rejectOnAbort(signal);
      let streamed = false;
      const onTextDelta = request.onTextDelta;
      try {
        const response = await Promise.race([
          model.generate({
            ...request,
            signal,
            ...(onTextDelta
              ? {
                  onTextDelta: (delta: string) => {
                    streamed = true;
                    onTextDelta(delta);
                  },
                }
              : {}),
          }),
          aborted.promise,
        ]);
        return { response };
      } catch (error) {
        if (request.signal?.aborted) throw cancelled(error);
        const diagnosis = diagnose(error, timeout.signal.aborted, timeoutMs, clock.now());
        const failure: Failure = {
          modelId: model.id,
          attempts: attempt,
          reason: this.#redact(diagnosis.reason),
          ...(diagnosis.status === undefined ? {} : { status: diagnosis.status }),
          streamed,
        };
        if (!diagnosis.retryable || streamed || attempt > retries) return { failure };
        const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)) * (0.5 + random() / 2);
        const delayMs = Math.round(Math.min(maxDelayMs, Math.max(backoff, diagnosis.retryAfterMs ?? 0)));
        onRetry?.({
          modelId: model.id,
          retry: attempt,
          delayMs,
          reason: failure.reason,
          ...(failure.status === undefined ? {} : { status: failure.status }),
        });
        try {
          await clock.sleep(delayMs, request.signal);
        } catch (sleepError) {
          throw cancelled(sleepError);
        }
      } finally {
        clearTimeout(timer);
        aborted.dispose();
      }
    }
  }

  #redact(text: string): string {
    let redacted = text;
    for (const secret of this.#options.secrets ?? []) {
      if (secret.length >= 4) redacted = redacted.split(secret).join('[redacted]');
    }
    return redacted;
  }

  #modelError(failures: readonly Failure[]): NovaError {
    const summary = failures
      .map((failure, index) => {
        const attempts = `${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'}`;
        const streamed = failure.streamed ? ' (part of the answer had already streamed, so no retry)' : '';
        return `${index > 0 ? 'fallback ' : ''}${failure.modelId} failed after ${attempts}: ${failure.reason}${streamed}`;
      })
      .join('; ');
    const describe = (failure: Failure) => ({
      modelId: failure.modelId,
      attempts: failure.attempts,
      ...(failure.status === undefined ? {} : { status: failure.status }),
    });
    const [primary, fallback] = failures;
    return new NovaError('MODEL_ERROR', summary, {
      details: {
        ...(primary ? describe(primary) : {}),
        ...(fallback ? { fallback: describe(fallback) } : {}),
      },
    });
  }
}
