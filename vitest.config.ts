import { defineConfig } from 'vitest/config';

// Projects: fast unit/component/property tests; real-browser end-to-end tests that share
// one built extension and run one file at a time (2-core machines); the reliability tests
// (spoofing, tab isolation, injection, decoder fuzz, CSP), file-serial like e2e, part of a
// plain `vitest run` and alone via `npm run test:reliability`, whose global setup prints the
// reliability figures at the end; and the benchmarks
// (`npm run bench`), which only run when asked for by name (`--project bench`), so a plain
// `vitest run` (npm test) never picks them up.
const benchAsked = process.argv.some(
  (a, i) => a === '--project=bench' || (a === '--project' && process.argv[i + 1] === 'bench'),
);

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          // Property tests check correctness, not speed (benchmarks do that); on a 2-core CI
          // machine they share the CPU with the browser projects, where vitest's 5 s default
          // timed one out.
          testTimeout: 60_000,
        },
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
          // A browser on a loaded 2-core CI machine can take seconds to show a change
          // (vitest's default is 1 s); a real failure still fails, only later.
          expect: { poll: { timeout: 15_000 } },
        },
      },
      {
        extends: true,
        test: {
          name: 'reliability',
          include: ['tests/reliability/**/*.test.ts'],
          globalSetup: ['tests/reliability/lib/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          retry: 0,
          // A browser on a loaded 2-core CI machine can take seconds to show a change
          // (vitest's default is 1 s); a real failure still fails, only later.
          expect: { poll: { timeout: 15_000 } },
        },
      },
      ...(benchAsked
        ? [
            {
              extends: true as const,
              test: {
                name: 'bench',
                // One file per benchmark; each records its figures (tests/bench/lib/figures.ts)
                // and the global setup prints the table at the end.
                include: ['tests/bench/**/*.bench-run.ts'],
                globalSetup: ['tests/bench/lib/global-setup.ts'],
                fileParallelism: false,
                // Memory figures (history.bench-run.ts) collect garbage before they read the heap.
                execArgv: ['--expose-gc'],
                testTimeout: 600_000,
                hookTimeout: 180_000,
                retry: 0,
              },
            },
          ]
        : []),
    ],
  },
});
