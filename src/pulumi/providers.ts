// The entry of `warren/providers` (dist/providers.cjs, bundled by
// src/build/bundle-providers.ts): every dynamic provider of warren, by type, for
// Pulumi's dynamic-provider host. A resource's `__provider` is a loader of a
// few hundred bytes (dynamic-resource.ts, providerLoader) that requires this
// file from the project's node_modules, instead of the provider's whole code
// serialized into every resource's inputs and state (dynamic-resource.ts says why).
// CommonJS because the host `require`s, and Node 20 cannot require an ES module.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as pulumi from '@pulumi/pulumi';
import { packageVersion } from '../package-root.js';
import { definedProviders } from './dynamic/dynamic-resource.js';
import { plainError } from './dynamic/plain-error.js';
// Each module that names a provider with defineProvider (test/pulumi/providers-bundle.test.ts checks the list).
import './dynamic/destroy-check.js';
import './dynamic/internal-exchange.js';
import './dynamic/queue-guard.js';
import './dynamic/runtime-parameter.js';
import './dynamic/user-account.js';
import './dynamic/user-limits.js';
import './dynamic/user-permissions.js';
import './dynamic/vhost-objects.js';
import './dynamic/vhost-settings.js';
import './kubernetes/cluster-guard.js';
import './kubernetes/cluster-maintenance.js';
import './kubernetes/drain-side.js';
import './kubernetes/generated-secret.js';
import './kubernetes/retire-guard.js';
import './kubernetes/rollout-wait.js';

/** The numeric parts of a version, `1.2.3-rc.1` → [1, 2, 3]; undefined when it has none. */
function numbers(version: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Whether version `a` is older than `b`; false when either cannot be read (then nothing is claimed). */
export function olderThan(a: string, b: string): boolean {
  const x = numbers(a);
  const y = numbers(b);
  if (!x || !y) return false;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return false;
}

/**
 * Why a bundle at `bundle` must not be used, or undefined: a build that ran `tsc` alone (a watch, say) left
 * JavaScript under `root` newer than the bundle, which would then run old providers. Cost: one stat per file of
 * dist/src, a few milliseconds, once per host.
 */
export function staleBundle(bundle: string, root: string): string | undefined {
  const made = statSync(bundle).mtimeMs;
  const newer = (dir: string): string | undefined => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      const found = e.isDirectory() ? newer(path) : e.name.endsWith('.js') && statSync(path).mtimeMs > made && path;
      if (found) return found;
    }
    return undefined;
  };
  const file = newer(root);
  return file && `${file} is newer than ${bundle}: run \`npm run build\` (it bundles the providers again)`;
}

let checked = false;

/**
 * The provider for `type`, as the loader in a resource's `__provider` asks for it. `writtenBy` is the warren version
 * that wrote that loader: a state written by a newer warren is refused, since older providers cannot promise to read
 * it (a newer warren reads every older state).
 */
export function provider(type: string, writtenBy: string): pulumi.dynamic.ResourceProvider {
  const installed = packageVersion();
  if (olderThan(installed, writtenBy))
    throw plainError(
      `this stack's ${type} resources were written by warren ${writtenBy}, and the project has warren ${installed} installed: install warren ${writtenBy} or later`,
    );
  const self = fileURLToPath(import.meta.url);
  // Only in a working copy (dist/providers.cjs beside dist/src/): npm does not keep a package's file times, and
  // a package's files come from one build.
  if (!checked && self.endsWith('.cjs') && !self.split(sep).includes('node_modules')) {
    const stale = staleBundle(self, join(dirname(self), 'src'));
    if (stale) throw plainError(stale);
    checked = true;
  }
  const found = definedProviders().get(type);
  if (!found) throw plainError(`warren ${installed} has no dynamic provider named ${type}`);
  return found;
}
