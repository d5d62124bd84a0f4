/** One line of the preflight: what was checked, how it went, and for a failure what to change. */
export interface CheckResult {
  /** `redis`, `docspace` or a helpdesk's source: what the check is about. */
  area: string;
  name: string;
  outcome: 'pass' | 'warn' | 'fail' | 'skip';
  /** What was found, in words; never a secret. */
  detail: string;
  /** For a warning or failure: what to change, naming the variable. */
  fix?: string;
}

const MARK: Record<CheckResult['outcome'], string> = { pass: '✓', warn: '!', fail: '✗', skip: '–' };

export function formatResult(r: CheckResult): string[] {
  const lines = [`${MARK[r.outcome]} ${r.area.padEnd(9)} ${r.name}: ${r.detail}`];
  if (r.fix) lines.push(`            → ${r.fix}`);
  return lines;
}

/** 0 when nothing failed (warnings pass), else 1. */
export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.some((r) => r.outcome === 'fail') ? 1 : 0;
}

/** `6.2.0` ≥ `6.2`: versions compared part by part as numbers. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** The value of `name` in an `INFO` reply. */
export function infoField(info: string, name: string): string | undefined {
  const line = info.split(/\r?\n/).find((l) => l.startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}
