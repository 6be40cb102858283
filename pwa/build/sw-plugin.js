// A Vite plugin that builds the service worker (src/sw/sw.js) after the app, as one classic
// script at /sw.js, with this build's precache list and version baked in (no workbox needed).
// The version is a hash of every precached file, so any change makes a new worker and cache.
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build } from 'vite';

const NOT_PRECACHED = [/^\.vite\//, /^sw\.js$/, /\.map$/];

async function walk(dir) {
  const out = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) out.push(...await walk(path));
    else out.push(path);
  }
  return out;
}

export function serviceWorker({ outDir, entry = 'src/sw/sw.js' }) {
  let skip = false;
  return {
    name: 'ssgk-service-worker',
    apply: 'build',
    configResolved(config) { skip = Boolean(config.build.ssr) || config.build.lib; },
    async closeBundle() {
      if (skip) return;
      const files = (await walk(outDir)).map((p) => relative(outDir, p).split('\\').join('/'))
        .filter((f) => !NOT_PRECACHED.some((re) => re.test(f))).sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update('\0').update(await readFile(join(outDir, f)));
      const version = hash.digest('hex').slice(0, 12);
      const urls = files.map((f) => (f === 'index.html' ? '/' : `/${f}`));
      await build({
        configFile: false,
        logLevel: 'warn',
        define: { __PRECACHE__: JSON.stringify(urls), __VERSION__: JSON.stringify(version) },
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          minify: true,
          target: ['chrome89', 'safari15', 'firefox90'],
          lib: { entry, formats: ['iife'], name: 'ssgkServiceWorker', fileName: () => 'sw.js' },
        },
      });
      this.info?.(`service worker ${version}: ${urls.length} files precached`);
    },
  };
}
