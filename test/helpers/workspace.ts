// A workspace port for unit tests that look at config files only: no .env walk, not a git repository.
import type { WorkspacePort } from '../../src/app/audit.js';

export const noWorkspace: WorkspacePort = {
  async findEnvFiles() {
    return { files: [], dirsRead: 0, filesSeen: 0, errors: [] };
  },
  async gitFacts() {
    return { isRepo: false, tracked: new Set(), ignored: new Set() };
  },
};
