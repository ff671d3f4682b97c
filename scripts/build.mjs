// Builds dist/: the bundled CLI (see scripts/bundle.mjs for how it is cut) and the sh launcher.
//
// Every output file is written atomically (temp file + rename) and chunks carry a content hash, so
// a build never breaks a CLI that is running from dist/ at the same time (the test suite builds
// while other tests run the binary). Chunks no build has produced for a while are pruned.
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bundleCli, root } from './bundle.mjs';

const dist = join(root, 'dist');
const files = await bundleCli();

async function writeAtomically(path, bytes, mode) {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, bytes, { mode });
  await rename(temp, path);
}

const written = new Set();
for (const file of files) {
  const path = join(dist, file.fileName);
  await writeAtomically(path, file.contents, file.mode);
  written.add(path);
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
