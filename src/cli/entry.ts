// The bin entry: turn on Node's on-disk compile cache before loading the rest, so every run after
// the first skips compiling the bundle (start-up time is a product requirement).
import module from 'node:module';

try {
  module.enableCompileCache?.();
} catch {
  // An unwritable cache directory only costs speed.
}
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
