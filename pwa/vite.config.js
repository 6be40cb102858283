// Build: the app into backend/static/app/ (served by backend/views.py at "/"), plus the service
// worker built by ./build/sw-plugin.js with the precache list of this build.
// Test: Vitest runs test/**/*.test.js in Node with fake-indexeddb and fakes for fetch and tus.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { serviceWorker } from './build/sw-plugin.js';

const outDir = fileURLToPath(new URL('../backend/static/app', import.meta.url));

export default defineConfig({
  base: '/',
  build: {
    outDir,
    emptyOutDir: true,
    manifest: true, // .vite/manifest.json: bench/pwa.py finds the photo module through it
    target: ['chrome89', 'safari15', 'firefox90'],
    assetsInlineLimit: 0, // no data: URLs; the CSP allows only 'self' for scripts and styles
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  plugins: [serviceWorker({ outDir })],
  server: {
    proxy: { '/api': 'http://127.0.0.1:8000', '/healthz': 'http://127.0.0.1:8000' },
  },
  resolve: process.env.VITEST ? {
    // the browser build of tus-js-client (XHR stack unused: tests hand it a fake HTTP stack)
    alias: { 'tus-js-client': fileURLToPath(new URL('./node_modules/tus-js-client/lib.esm/browser/index.js', import.meta.url)) },
  } : {},
  test: {
    include: ['test/**/*.test.js'],
    environment: 'node',
    reporters: ['default'],
  },
});
