import type { ClientKind } from '../model.js';

/** Display names of the clients, as their vendors write them. */
export const CLIENT_LABELS: Record<ClientKind, string> = {
  'claude-code': 'Claude Code',
  'claude-desktop': 'Claude Desktop',
  cursor: 'Cursor',
  vscode: 'VS Code',
  windsurf: 'Windsurf',
  gemini: 'Gemini CLI',
  codex: 'Codex',
  cline: 'Cline',
  kiro: 'Kiro',
  continue: 'Continue',
  zed: 'Zed',
  'amazon-q': 'Amazon Q',
};
