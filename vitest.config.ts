import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/temp-root.ts'],
    // Integration tests share PostgreSQL/MariaDB databases; each test file uses its own schema/database,
    // but two cores do not gain from more parallel workers.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
