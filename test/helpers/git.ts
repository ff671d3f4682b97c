// git for tests: a test identity, no signing, and none of the machine's global or system config
// (a developer's settings never change a result). Returns stdout; throws with git's stderr.
import { execFileSync } from 'node:child_process';

export function runGit(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    stdio: 'pipe',
    env: { ...env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_SYSTEM: '/dev/null' },
  }).toString('utf8');
}
