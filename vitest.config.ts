import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end tests start the real CLI several times (about 2 s each, more on a loaded machine).
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
