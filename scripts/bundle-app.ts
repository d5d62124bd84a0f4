// `pnpm --filter ./apps/receiver build` (and `./apps/worker`): bundles an app's `src/main.ts`
// into its `dist/main.mjs` for production. Usage: `tsx scripts/bundle-app.ts <app directory>
// [output file, relative to the app directory]` (runs that must not share a file name their own).
// Benchmarks and tests call `bundleApp` instead of starting this script.
//
// Why: running TypeScript through tsx costs every process about 45 MB of resident memory and a
// slower start, and the loader's helpers run in hot paths too. The bundle holds our own code and
// the workspace packages; the npm dependencies of the app stay external (resolved from its
// node_modules at run time), because some of them (Bull Board's static assets, pino's worker
// files) locate files relative to themselves.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

/**
 * Our workspace packages have no import-time side effects, so modules an app never uses (for the
 * receiver, the outbound HTTP transport and helpdesk writers, which pull in undici: about 23 MB of
 * resident memory) are left out of the bundle.
 */
const workspaceWithoutSideEffects: Plugin = {
  name: 'workspace-without-side-effects',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolved' || args.kind === 'entry-point') return undefined;
      const result = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: 'resolved',
      });
      if (result.errors.length > 0) return { errors: result.errors };
      const ours = !result.external && /[/\\]packages[/\\][^/\\]+[/\\]src[/\\]/.test(result.path);
      return ours ? { ...result, sideEffects: false } : result;
    });
  },
};

/**
 * Bundles the app in `appDir` (its `src/main.ts`) into `outfile`, relative to `appDir`, which it
 * should stay inside: the external packages resolve from the app's node_modules. Returns the
 * absolute path of the bundle.
 */
export async function bundleApp(appDir: string, outfile = 'dist/main.mjs'): Promise<string> {
  const root = resolve(appDir);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@ticket-rooms/'));
  const out = resolve(root, outfile);
  await build({
    entryPoints: [join(root, 'src/main.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Subpaths too: `@bull-board/api/bullMQAdapter`.
    external: external.flatMap((name) => [name, `${name}/*`]),
    // CommonJS dependencies bundled into ESM still call require().
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [workspaceWithoutSideEffects],
    logLevel: 'warning',
  });
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = await bundleApp(process.argv[2] ?? '.', process.argv[3]);
  process.stdout.write(`built ${out}\n`);
}
