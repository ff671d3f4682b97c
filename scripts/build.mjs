// Bundles the CLI into one file so start-up does not pay for resolving many modules.
import { build } from 'esbuild';
import { chmod, copyFile, readFile, rm } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

// Chunk names carry a hash: start clean so old ones do not pile up.
await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli/entry.ts' },
  // main.js and its dependencies load after the compile cache is on.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  // jsonc-parser's "main" is a UMD build whose dynamic requires a bundle cannot follow.
  mainFields: ['module', 'main'],
  format: 'esm',
  target: 'node22',
  sourcemap: false,
  // The bin must be executable when run from a checkout, not only once npm links it.
  write: true,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __mcpHardenCreateRequire } from 'node:module';\nconst require = __mcpHardenCreateRequire(import.meta.url);",
  },
  define: { __MCP_HARDEN_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});

await chmod(new URL('../dist/cli.js', import.meta.url), 0o755);
// The sh launcher ships next to the bundle; src/app/launcher.ts finds it from dist/ and dist/chunks/.
await copyFile(new URL('../src/launcher/mcp-harden-launch.sh', import.meta.url), new URL('../dist/mcp-harden-launch.sh', import.meta.url));
