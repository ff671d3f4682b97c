// `yaml` is the largest dependency and few machines have a YAML MCP config (Continue's), so it is
// loaded on first use instead of on every start.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

export function yamlLib(): typeof Yaml {
  lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return lib;
}
