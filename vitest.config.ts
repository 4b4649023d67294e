import { defineConfig } from 'vitest/config';

// Two projects: fast unit/component/property tests, and real-browser end-to-end tests that
// share one built extension and run one file at a time (2-core machines).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.{ts,tsx}'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          retry: 0,
        },
      },
    ],
  },
});
