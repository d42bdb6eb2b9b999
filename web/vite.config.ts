import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The organiser console: built into the app's dist/admin and served by Nest under /admin.
 * No React plugin (its peer range does not include Vite 8): Vite's own transformer (oxc)
 * compiles TSX with React's automatic runtime. The output has no inline script, as the CSP of
 * src/common/http/security-headers.ts demands.
 */
export default defineConfig({
  root: resolve(__dirname),
  base: '/admin/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(__dirname, '..', 'dist', 'admin'),
    emptyOutDir: true,
    // A module script tag only: no inline preload polyfill.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    rolldownOptions: {
      // TanStack Query's "use client" directives mean nothing outside React Server Components.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  test: {
    environment: 'jsdom',
    // The machine is shared with browser and database suites: generous, not tight.
    testTimeout: 20_000,
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
