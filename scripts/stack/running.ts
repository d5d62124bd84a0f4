import { isAlive } from './stack';
import { type RunningStackInfo, readState } from './state-file';

/**
 * The stack `pnpm start` runs from this data directory, if it is up: its process is alive and its
 * receiver answers `/healthz`. A file left behind by a killed stack is not a running stack.
 */
export async function findRunningStack(dataDir: string): Promise<RunningStackInfo | undefined> {
  const running = readState(dataDir).running;
  if (!running || !isAlive(running.pid)) return undefined;
  try {
    const res = await fetch(`${running.receiverUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? running : undefined;
  } catch {
    return undefined;
  }
}
