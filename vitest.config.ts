import { defineConfig } from 'vitest/config';

// Integration tests start real servers; under valgrind everything is ~20x slower.
const slow = process.env.XEXEC_VALGRIND === '1' ? 10 : 1;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000 * slow,
    hookTimeout: 60_000 * slow,
    // Two cores: more workers only make the servers fight for CPU.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
