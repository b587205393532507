// warren's dynamic resources, with their providers' code serialized once, at
// build time, instead of in every run of the program.
//
// Why: Pulumi's dynamic resources carry their provider as code (`__provider`,
// which its dynamic-provider host evaluates). pulumi.dynamic.Resource makes that
// code by serializing the provider in the program, on every run: it loads the
// TypeScript compiler and walks each captured function through the inspector.
// A profile of a one-queue edit put that at ~0.65 s of the program's CPU on
// this 2-core machine (README, "Benchmarks"), for text that only changes when
// warren's code does. `npm run build` now writes it (serialize-providers.ts)
// with the SDK's own serializer, the same call pulumi.dynamic.Resource makes;
// a test proves the stored text is what that call returns.
//
// What the engine sees is unchanged: the same type token
// (`pulumi-nodejs:dynamic/warren:<type>`), the same `__provider`, the same
// host. Run from the TypeScript sources (the unit tests), where no serialized
// file exists, or from a dist/ that `tsc` rebuilt after the file was written,
// the provider is serialized as pulumi.dynamic.Resource does.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { fromWire, printable, toWire } from './wire-keys.js';

type Provider = pulumi.dynamic.ResourceProvider;

const TYPES = new Map<Provider, string>();

/** Where the build writes each provider's code, by type: beside this module in dist/. */
export const SERIALIZED_PROVIDERS_FILE = fileURLToPath(new URL('./serialized-providers.json', import.meta.url));

/**
 * Names a provider's resource type, `pulumi-nodejs:dynamic/warren:<type>`; the build serializes every provider named
 * here. The provider gets its inputs and state as they were given, whatever their map keys (wire-keys.ts).
 */
export function defineProvider<P extends Provider>(type: string, provider: P): P {
  if ([...TYPES.values()].includes(type)) throw new Error(`two dynamic providers are named ${type}`);
  const wired = onWire(provider);
  TYPES.set(wired, type);
  return wired;
}

/** The provider with its inputs and state read from the wire's keys (fromWire), and what it returns written to them. */
function onWire<P extends Provider>(p: P): P {
  const out: Partial<Provider> = {};
  if (p.check)
    out.check = async (olds, news) => {
      const r = await p.check!(fromWire(olds), fromWire(news));
      return { ...r, ...(r.inputs !== undefined ? { inputs: toWire(r.inputs) } : {}) };
    };
  if (p.diff) out.diff = (id, olds, news) => p.diff!(id, fromWire(olds), fromWire(news));
  if (p.create)
    out.create = async (inputs) => {
      const r = await p.create!(fromWire(inputs));
      return { ...r, ...(r.outs !== undefined ? { outs: toWire(r.outs) } : {}) };
    };
  if (p.read)
    out.read = async (id, props) => {
      const r = await p.read!(id, fromWire(props));
      return { ...r, ...(r.props !== undefined ? { props: toWire(r.props) } : {}) };
    };
  if (p.update)
    out.update = async (id, olds, news) => {
      const r = await p.update!(id, fromWire(olds), fromWire(news));
      return { ...r, ...(r.outs !== undefined ? { outs: toWire(r.outs) } : {}) };
    };
  if (p.delete) out.delete = (id, props) => p.delete!(id, fromWire(props));
  return out as P;
}

/** Every provider named with defineProvider, by type (those of the modules loaded so far). */
export function definedProviders(): Map<string, Provider> {
  return new Map([...TYPES].map(([provider, type]) => [type, provider]));
}

/** What pulumi.dynamic.Resource puts in `__provider`: the provider captured by a function, serialized by the SDK. */
export async function serializeProvider(provider: Provider): Promise<{ text: string; containsSecrets: boolean }> {
  const f = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return { text: f.text, containsSecrets: f.containsSecrets };
}

/**
 * The serialized providers in `file`, unless a JavaScript file under `root` is
 * newer: a build that ran `tsc` alone (a watch, say) has changed the code the
 * file was made from, and registering the old code would deploy old providers.
 * Then (and when there is no file) undefined: the caller serializes at run time.
 * Files installed by npm all carry one time, so an installed package counts as
 * fresh. Cost: one stat per file of dist/src, a few milliseconds.
 */
export function readSerializedProviders(file: string, root: string): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  const made = statSync(file).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? newer(join(dir, e.name)) : e.name.endsWith('.js') && statSync(join(dir, e.name)).mtimeMs > made,
    );
  return newer(root) ? undefined : (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>);
}

let serialized: Record<string, string> | null | undefined;
/** Run-time serializations, one per provider, as pulumi.dynamic.Resource caches them. */
const atRunTime = new Map<Provider, Promise<string>>();

/** The provider's code: from the build when it is fresh, else serialized once in this run. */
function providerCode(type: string, provider: Provider): string | Promise<string> {
  // dist/src/pulumi/dynamic/ → dist/src/: every module a provider can capture.
  serialized ??=
    readSerializedProviders(SERIALIZED_PROVIDERS_FILE, join(dirname(SERIALIZED_PROVIDERS_FILE), '..', '..')) ?? null;
  const stored = serialized?.[type];
  if (stored !== undefined) return stored;
  const cached = atRunTime.get(provider);
  if (cached) return cached;
  const code = serializeProvider(provider).then((f) => f.text);
  atRunTime.set(provider, code);
  return code;
}

/** As pulumi.dynamic.Resource, with the provider's type from defineProvider and its code from the build. */
export abstract class DynamicResource extends pulumi.CustomResource {
  constructor(provider: Provider, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    const type = TYPES.get(provider);
    if (type === undefined) throw new Error(`the provider of ${name} is not named with defineProvider`);
    if ('__provider' in props) throw new Error('A dynamic resource must not define the __provider key');
    // Map keys as the provider's wire carries them (wire-keys.ts): a queue named `__proto__` stays one; and each
    // input printable, as the SDK prints it, even a map with an argument named `toString`.
    const inputs = Object.fromEntries(Object.entries(toWire(props)).map(([k, v]) => [k, printable(v)]));
    super(`pulumi-nodejs:dynamic/warren:${type}`, name, { ...inputs, __provider: providerCode(type, provider) }, opts);
  }
}
