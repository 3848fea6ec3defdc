// Bundles with esbuild.
//   node scripts/build.mjs               dist/extension.js (with source map)
//   node scripts/build.mjs --production  dist/extension.js (minified, no source map)
//   node scripts/build.mjs --tests       .out/test/*.test.js (unit tests of the pure modules)
//   node scripts/build.mjs --e2e         .out/e2e/run.js (the end-to-end test)
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node18', logLevel: 'warning', absWorkingDir: root };

if (args.has('--tests')) {
  const entryPoints = readdirSync(join(root, 'test'))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(root, 'test', f));
  await build({ ...common, entryPoints, outdir: join(root, '.out/test'), sourcemap: 'inline' });
} else if (args.has('--e2e')) {
  await build({
    ...common,
    target: 'node20',
    entryPoints: [join(root, 'e2e/run.ts')],
    outfile: join(root, '.out/e2e/run.js'),
    external: ['playwright-core'],
    sourcemap: 'inline',
  });
} else {
  const production = args.has('--production');
  await build({
    ...common,
    entryPoints: [join(root, 'src/extension.ts')],
    outfile: join(root, 'dist/extension.js'),
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
  });
  console.log(`built dist/extension.js${production ? ' (production)' : ''}`);
}
