// How the CLI is bundled: shared by scripts/build.mjs (dist/) and the tests that need a bundle of
// their own in another directory.
//
// Start-up time is a product requirement, and Node pays for every module file it loads. So the
// bundle is cut in a few large chunks rather than many small ones, each the static closure of a few
// root modules (minus the modules of the chunks before it):
//   - `core`: what the command line needs before it knows the command (src/cli/main.ts), so
//     `audit` loads one file;
//   - `wizard`: the wizard's runner, so that its scan can start before Ink has loaded;
//   - `fix`: the fix engine (plan, apply, undo), loaded by the wizard once the servers are shown;
//   - `ui`: Ink, React and the screens of the wizard and the guided flows;
// and everything else (the other commands, YAML/TOML readers, the plain prompts) in chunks loaded
// only by the command that needs them.
import { rolldown } from 'rolldown';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

const GROUPS = [
  { name: 'core', roots: ['src/cli/main.ts'] },
  { name: 'wizard', roots: ['src/wizard/run.ts'] },
  { name: 'fix', roots: ['src/app/fix.ts'] },
  { name: 'ui', roots: ['src/cli/wizard-command.ts', 'src/ui/App.tsx', 'src/ui/flow/FlowApp.tsx', 'ink'] },
];

/** Fills `members` (group name → module ids) once the module graph is known. */
function groupMembers(members) {
  return {
    name: 'mcp-harden-chunk-groups',
    async buildEnd() {
      const taken = new Set();
      for (const group of GROUPS) {
        // A root is a file of ours, or a package resolved as our code would import it.
        const roots = await Promise.all(
          group.roots.map(async (p) => (p.startsWith('src/') ? join(root, p) : ((await this.resolve(p, join(root, 'src/cli/main.ts')))?.id ?? p))),
        );
        const missing = roots.filter((r) => !this.getModuleInfo(r));
        if (missing.length > 0) this.error(`chunk group ${group.name}: not in the module graph: ${missing.join(', ')}`);
        const ids = new Set();
        const stack = [...roots];
        while (stack.length > 0) {
          const id = stack.pop();
          if (ids.has(id) || taken.has(id)) continue;
          ids.add(id);
          stack.push(...(this.getModuleInfo(id)?.importedIds ?? []));
        }
        for (const id of ids) taken.add(id);
        members.set(group.name, ids);
      }
    },
  };
}

/** Every import of `string-width` (Ink and its helpers) goes to src/ui/string-width.ts, which says why. */
function narrowStringWidth() {
  const shim = join(root, 'src/ui/string-width.ts');
  return {
    name: 'mcp-harden-string-width',
    resolveId(source, importer) {
      return source === 'string-width' && importer !== shim ? shim : null;
    },
  };
}

/**
 * Bundles the CLI and returns its files ({ fileName, contents, mode }) without writing them:
 * `cli.js` (the bin), `main.js`, and `chunks/*.js` named by content hash.
 */
export async function bundleCli() {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const members = new Map();
  const entry = join(root, 'src/cli/entry.ts');
  const build = await rolldown({
    // main.ts is an entry of its own: the bin imports it only after turning the compile cache on.
    input: { cli: entry, main: join(root, 'src/cli/main.ts') },
    platform: 'node',
    // Ink loads React DevTools only when asked to (DEV=true); it is not shipped.
    external: ['react-devtools-core'],
    // jsonc-parser's "main" is a UMD build whose dynamic requires a bundle cannot follow.
    resolve: { mainFields: ['module', 'main'] },
    transform: {
      target: 'node22',
      // The wizard's .tsx files use React's automatic JSX runtime.
      jsx: 'react-jsx',
      // React and Ink pick their production builds (the development ones are larger and slower to
      // load and to render); nothing else reads NODE_ENV.
      define: { __MCP_HARDEN_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
    },
    plugins: [groupMembers(members), narrowStringWidth()],
    logLevel: 'warn',
    onLog(level, log, handler) {
      // A module that main.ts imports lazily but core code imports statically is simply in `core`.
      if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
      handler(level, log);
    },
  });
  const { output } = await build.generate({
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    minify: true,
    banner: (chunk) => (chunk.fileName === 'cli.js' ? '#!/usr/bin/env node' : ''),
    codeSplitting: {
      groups: GROUPS.map((group, i) => ({
        name: group.name,
        test: (id) => members.get(group.name).has(id),
        priority: GROUPS.length - i,
      })),
    },
  });
  await build.close();
  return output.map((file) => ({
    fileName: file.fileName,
    contents: file.type === 'chunk' ? file.code : file.source,
    // The bin must be executable when run from a checkout, not only once npm links it.
    mode: file.fileName === 'cli.js' ? 0o755 : 0o644,
  }));
}
