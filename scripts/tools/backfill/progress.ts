import type { BackfillCounts, BackfillProgress } from './run-backfill';

export interface ProgressOutput {
  /** Whether the output is a terminal that can redraw a line. */
  isTTY: boolean;
  write(text: string): void;
}

function summary(c: Readonly<BackfillCounts>): string {
  return `listed ${c.listed}, queued ${c.queued}, already known ${c.known}, skipped ${c.skipped}${c.unreadable ? `, unreadable ${c.unreadable}` : ''}`;
}

/** A bar redrawn in place on a terminal (the total is unknown, so it fills towards `limit` or spins); a line every `every` tickets elsewhere. */
export function createProgress(
  out: ProgressOutput,
  opts: { limit?: number | undefined; every?: number; notes?: (line: string) => void } = {},
): BackfillProgress & { done(): void } {
  const every = opts.every ?? 100;
  let drawn = false;
  const bar = (c: Readonly<BackfillCounts>) => {
    const width = 24;
    const filled = opts.limit ? Math.min(width, Math.round((c.listed / opts.limit) * width)) : c.listed % (width + 1);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  };
  return {
    tick(counts) {
      if (out.isTTY) {
        out.write(`\r${bar(counts)} ${summary(counts)}\u001b[K`);
        drawn = true;
      } else if (counts.listed % every === 0) {
        out.write(`backfill: ${summary(counts)}\n`);
      }
    },
    note(line) {
      if (drawn) out.write('\r\u001b[K');
      drawn = false;
      if (opts.notes) opts.notes(`backfill: ${line}`);
      else out.write(`backfill: ${line}\n`);
    },
    done() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}

export { summary as formatCounts };
