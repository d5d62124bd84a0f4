import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretLeak {
  secret: string;
  file: string;
  line: number;
}

export interface ScanReport {
  files: number;
  bytes: number;
  leaks: SecretLeak[];
}

/** Every regular file under `paths` (files or directories). */
export function filesUnder(paths: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else if (st.isFile()) out.push(p);
  };
  for (const p of paths) visit(p);
  return out;
}

/**
 * Greps every file for every secret, byte for byte (binary files such as the AOF included).
 * A leak names the secret and the place, never the value.
 */
export function scanForSecrets(
  paths: readonly string[],
  needles: ReadonlyArray<{ name: string; value: string }>,
): ScanReport {
  const files = filesUnder(paths);
  const leaks: SecretLeak[] = [];
  let bytes = 0;
  for (const file of files) {
    const text = readFileSync(file).toString('latin1');
    bytes += text.length;
    for (const needle of needles) {
      const value = Buffer.from(needle.value, 'utf8').toString('latin1');
      const at = text.indexOf(value);
      if (at >= 0) {
        const line = text.slice(0, at).split('\n').length;
        leaks.push({ secret: needle.name, file, line });
      }
    }
  }
  return { files: files.length, bytes, leaks };
}
