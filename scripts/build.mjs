// Bundles the CLI into one file so start-up does not pay for resolving many modules.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  // jsonc-parser's "main" is a UMD build whose dynamic requires a bundle cannot follow.
  mainFields: ['module', 'main'],
  format: 'esm',
  target: 'node22',
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __mcpHardenCreateRequire } from 'node:module';\nconst require = __mcpHardenCreateRequire(import.meta.url);",
  },
  define: { __MCP_HARDEN_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
