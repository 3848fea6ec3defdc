// npm run package: a .vsix for linux-x64 with the release server inside.
// 1. server/gonotes ← ../../target/release/gonotes (built with `cargo build --release` only if missing)
// 2. esbuild production bundle
// 3. vsce package --target linux-x64, never asking anything (stdin closed, flags for every prompt)
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(root, '..', '..');
const release = join(repo, 'target', 'release', 'gonotes');
const target = 'linux-x64';

function run(cmd, args, cwd) {
  console.log(`$ ${cmd} ${args.join(' ')}   (in ${relative(process.cwd(), cwd) || '.'})`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) {
    throw r.error;
  }
  if (r.status !== 0) {
    console.error(`package: ${cmd} exited with ${r.status ?? r.signal}`);
    process.exit(1);
  }
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`package: this builds the ${target} .vsix and must run on linux-x64 (here: ${process.platform}-${process.arch})`);
  process.exit(1);
}
if (!existsSync(release)) {
  console.log(`package: ${release} is missing, building it`);
  run('cargo', ['build', '--release', '--locked', '--bin', 'gonotes'], repo);
}
mkdirSync(join(root, 'server'), { recursive: true });
const bundled = join(root, 'server', 'gonotes');
copyFileSync(release, bundled);
chmodSync(bundled, 0o755);
console.log(`package: server/gonotes ← ${relative(root, release)} (${(statSync(bundled).size / 1e6).toFixed(1)} MB)`);

run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], root);

const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = `${name}-${target}-${version}.vsix`;
run(
  process.execPath,
  [
    join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
    'package',
    '--target', target,
    '--out', out,
    '--no-dependencies',
    '--allow-missing-repository',
    '--no-rewrite-relative-links',
  ],
  root,
);
console.log(`package: ${out}`);
