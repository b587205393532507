import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests run in file order inside a file, and files run in separate workers.
    // No test relies on another having run first: each passes alone (-t).
    sequence: { concurrent: false },
    testTimeout: 30_000,
  },
});
