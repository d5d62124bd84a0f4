/**
 * Rejects with `onTimeout()` when `work` has not settled within `ms`. The work itself is not
 * cancelled (Redis has no cancel), so callers must be safe if it completes later: ours is, because
 * a late enqueue is found by the next delivery's duplicate check.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  // One promise settled by whichever comes first (a race of two, plus its `finally`, cost three).
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
