/**
 * Rejects with `onTimeout()` when `work` has not settled within `ms`. The work itself is not
 * cancelled (Redis has no cancel), so callers must be safe if it completes later: ours is, because
 * a late enqueue is found by the next delivery's duplicate check.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
