// `pnpm --filter ./apps/receiver build`: bundles the receiver into `dist/main.mjs` for production.
//
// Why: running TypeScript through tsx costs every process about 45 MB of resident memory and a
// slower start. The bundle holds our own code and the workspace packages; the npm dependencies
// of this package stay external (resolved from its node_modules at run time), because some of
// them (Bull Board's static assets, pino's worker files) locate files relative to themselves.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@ticket-rooms/'));

await build({
  entryPoints: [join(root, 'src/main.ts')],
  outfile: join(root, 'dist/main.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Subpaths too: `@bull-board/api/bullMQAdapter`.
  external: external.flatMap((name) => [name, `${name}/*`]),
  // CommonJS dependencies bundled into ESM (undici) still call require().
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
process.stdout.write(`built ${join(root, 'dist/main.mjs')}\n`);
