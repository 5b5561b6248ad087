import { defineConfig } from 'vite';

/** Builds the console into web/dist: hashed assets, no inline script or style (the CSP allows neither). */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The preload polyfill is an inline-free module, but modern browsers need none.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: { host: '127.0.0.1' },
});
