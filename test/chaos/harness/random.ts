/**
 * A seedable PRNG (mulberry32) and the few draws the runs need, so a failing run can be replayed
 * with the same `--seed`: the same tickets, the same kill moments, the same fuzz cases.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  bytes(n: number): Buffer;
  /** A value by weight: `[[weight, value], …]`. */
  weighted<T>(table: ReadonlyArray<readonly [number, T]>): T;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as (typeof items)[number];
    },
    chance: (p) => next() < p,
    bytes: (n) => {
      const out = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) out[i] = int(0, 255);
      return out;
    },
    weighted: (table) => {
      const total = table.reduce((sum, [w]) => sum + w, 0);
      let r = next() * total;
      for (const [w, value] of table) {
        r -= w;
        if (r < 0) return value;
      }
      return (table[table.length - 1] as readonly [number, (typeof table)[number][1]])[1];
    },
  };
}

/** A seed from the command line or the clock, printed by every run so it can be replayed. */
export function seedFrom(value: string | undefined): number {
  if (value !== undefined && /^\d+$/.test(value)) return Number(value) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}
