import { defineConfig } from 'vitest/config';

// End-to-end files share one private keyring and the same keychain item names, so they run one
// after another; everything else runs in parallel.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.{ts,tsx}'], exclude: ['test/e2e/**'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.{ts,tsx}'], fileParallelism: false } },
    ],
  },
});
