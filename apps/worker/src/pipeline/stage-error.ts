import { isVendorError } from '@ticket-rooms/core';

/**
 * An error with the stage it happened in. Its message starts with the stage (`share: docspace
 * answered 403 …`), which is what operators read as the failed reason in Bull Board.
 */
export class StageError extends Error {
  override readonly name = 'StageError';
  readonly stage: string;
  readonly code: string;
  readonly retryable: boolean;
  /** The vendor's `Retry-After`, honoured exactly by the `vendor` backoff. */
  readonly retryAfterMs: number | undefined;
  /** Set when the attempt is retried: this stage's failed attempts in a row, this one included. */
  stageFailures: number | undefined;

  constructor(
    stage: string,
    init: { code: string; message: string; retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(`${stage}: ${init.message}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.stage = stage;
    this.code = init.code;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** Wraps whatever a stage threw; vendor errors keep their code and retry advice. */
  static from(stage: string, err: unknown): StageError {
    if (err instanceof StageError) return err;
    if (isVendorError(err)) {
      return new StageError(stage, {
        code: err.code,
        message: err.message,
        retryable: err.retryable,
        ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
        cause: err,
      });
    }
    const message = err instanceof Error ? err.message : String(err);
    // Unknown errors (a Redis hiccup, a bug) are retried, but only a few times: see retry-policy.
    return new StageError(stage, { code: 'UNEXPECTED', message, retryable: true, cause: err });
  }
}
