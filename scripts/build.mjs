// Bundles the CLI so start-up does not pay for resolving hundreds of modules.
//
// Every output file is written atomically (temp file + rename) and chunks carry a content hash, so
// a build never breaks a CLI that is running from dist/ at the same time (the test suite builds
// while other tests run the binary). Chunks no build has produced for a while are pruned.
import { build } from 'esbuild';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

const result = await build({
  entryPoints: { cli: join(root, 'src/cli/entry.ts') },
  // main.js and its dependencies load after the compile cache is on.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outdir: dist,
  bundle: true,
  platform: 'node',
  // The wizard's .tsx files use React's automatic JSX runtime.
  jsx: 'automatic',
  // Ink loads React DevTools only when asked to (DEV=true); it is not shipped.
  external: ['react-devtools-core'],
  // jsonc-parser's "main" is a UMD build whose dynamic requires a bundle cannot follow.
  mainFields: ['module', 'main'],
  format: 'esm',
  target: 'node22',
  sourcemap: false,
  write: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __mcpHardenCreateRequire } from 'node:module';\nconst require = __mcpHardenCreateRequire(import.meta.url);",
  },
  // React and Ink pick their production builds (the development ones are larger and slower to load
  // and to render); nothing else reads NODE_ENV.
  define: { __MCP_HARDEN_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

async function writeAtomically(path, bytes, mode) {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, bytes, { mode });
  await rename(temp, path);
}

const written = new Set();
for (const file of result.outputFiles) {
  // The bin must be executable when run from a checkout, not only once npm links it.
  const mode = file.path === join(dist, 'cli.js') ? 0o755 : 0o644;
  await writeAtomically(file.path, file.contents, mode);
  written.add(file.path);
}
await chmod(join(dist, 'cli.js'), 0o755);

// The sh launcher ships next to the bundle; src/app/launcher.ts finds it from dist/ and dist/chunks/.
const launcher = join(dist, 'mcp-harden-launch.sh');
await writeAtomically(launcher, await readFile(join(root, 'src/launcher/mcp-harden-launch.sh')), 0o644);
written.add(launcher);

// Chunks of earlier builds: kept for a while for processes still running them, then removed.
const chunks = join(dist, 'chunks');
const now = Date.now();
for (const name of await readdir(chunks)) {
  const path = join(chunks, name);
  if (written.has(path)) continue;
  try {
    if (now - (await stat(path)).mtimeMs > 10 * 60_000 || name.endsWith('.tmp')) await rm(path, { force: true });
  } catch {
    // Removed by another build.
  }
}
