import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests run in file order inside a file (the coverage check reads what the
    // fixture tests recorded), and files run in separate workers.
    sequence: { concurrent: false },
    testTimeout: 30_000,
  },
});
