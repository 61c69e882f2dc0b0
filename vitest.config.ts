import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    server: {
      deps: {
        // zod-to-openapi has no exports map: inline it (and its user) so one zod instance gets the .openapi() extension.
        inline: ['@hono/zod-openapi', '@asteasolutions/zod-to-openapi'],
      },
    },
  },
});
