// Client knowledge: where every MCP client keeps its configs, and how to read its servers.
export { CLIENT_LABELS } from './labels.js';
export {
  userSources,
  workspaceSources,
  sourceDirectories,
  historyFiles,
  type SourceDirectory,
  type HistoryShell,
} from './paths.js';
export { parseConfig, type ClientParsedConfig, type VsCodeInput } from './parse.js';
export { inferSource } from './infer.js';
