// The entry of the hello-world reference, loaded the way the CLI loads the wizard (src/cli/entry.ts
// and src/cli/main.ts): Node's compile cache on, then Ink imported with fetch hidden.
import module from 'node:module';
import { withoutFetch } from '../src/cli/without-fetch.js';

try {
  module.enableCompileCache?.();
} catch {
  // Only costs speed.
}
await withoutFetch(() => import('./hello-ink.js'));
