// Build step (`npm run build`, after tsc): bundles `warren/providers` — the
// compiled providers.ts and everything it imports — into one CommonJS file,
// dist/providers.cjs, which the loader in each dynamic resource's `__provider`
// requires (src/pulumi/dynamic/dynamic-resource.ts says why). CommonJS because Pulumi's host
// `require`s the loader, and Node 20 cannot require an ES module. The Pulumi
// SDK stays outside (a peer dependency: the project's own copy, which the host
// has loaded already). esbuild is a build-time dependency only.
import { fileURLToPath } from 'node:url';

/** dist/providers.cjs, from dist/src/pulumi/providers.js (this module is dist/src/build/…). */
export const BUNDLE_FILE = fileURLToPath(new URL('../../providers.cjs', import.meta.url));
const ENTRY = fileURLToPath(new URL('../pulumi/providers.js', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [ENTRY],
    outfile: BUNDLE_FILE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@pulumi/*'],
    // A module's own URL, as its ES-module self would see it: the bundle's.
    define: { 'import.meta.url': '__warrenBundleUrl' },
    banner: { js: "const __warrenBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
  console.log(`wrote ${BUNDLE_FILE} (${Math.round(bytes / 1024)} KB)`);
}
