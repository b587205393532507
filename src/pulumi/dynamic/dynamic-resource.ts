// warren's dynamic resources, with a loader of their provider as the
// `__provider` input instead of the provider's code.
//
// Why: Pulumi's dynamic resources carry their provider as code (`__provider`,
// which its dynamic-provider host evaluates); pulumi.dynamic.Resource makes it
// by serializing the provider, with everything it captures, into every
// resource's inputs, and the state keeps it twice (inputs and outputs): most
// of a vhost-granularity state, sent over gRPC, checkpointed and diffed on
// every run (the measures: docs/benchmarks.md). The providers are bundled once by the build
// (providers.ts, `warren/providers`) and each resource carries a loader of a few
// hundred bytes that requires them from the project's node_modules, as a
// provider plugin is installed rather than stored in the state.
//
// What the engine sees is otherwise unchanged: the same type token
// (`pulumi-nodejs:dynamic/warren:<type>`), the same host. State written by an
// earlier warren (the serialized code) still works: the host runs the code a
// resource's new inputs carry for check, diff, create and update, and the old
// code in the state for read and delete.
import * as pulumi from '@pulumi/pulumi';
import { packageVersion } from '../../package-root.js';
import { fromWire, printable, toWire } from './wire-keys.js';

type Provider = pulumi.dynamic.ResourceProvider;

const TYPES = new Map<Provider, string>();

/**
 * Names a provider's resource type, `pulumi-nodejs:dynamic/warren:<type>`; the build bundles every provider named
 * here (the modules providers.ts imports). The provider gets its inputs and state as they were given, whatever their map keys (wire-keys.ts).
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

/**
 * What a resource of `type` carries as `__provider`: not the provider's code but a loader of it, which Pulumi's
 * dynamic-provider host evaluates (its `handler()` returns the provider). It requires `warren/providers` from the
 * project's node_modules, resolved from the host's working directory, which the engine sets to the project's
 * (a project inside warren's own package, this repository, resolves it by the package's own name). `version`, the
 * warren that wrote it, lets an older warren refuse the state of a newer one (providers.ts).
 */
export function providerLoader(type: string, version: string): string {
  const args = `${JSON.stringify(type)}, ${JSON.stringify(version)}`;
  return `exports.handler = () => {
  let providers;
  try {
    providers = require("node:module").createRequire(require("node:path").join(process.cwd(), "Pulumi.yaml"))("warren/providers");
  } catch (e) {
    const error = new Error("warren's dynamic provider ${type} is loaded from the Pulumi project's node_modules; install warren there (npm install warren). In " + process.cwd() + ": " + e.message);
    error.stack = "";
    throw error;
  }
  return providers.provider(${args});
};
`;
}

let version: string | undefined;

/** As pulumi.dynamic.Resource, with the provider's type from defineProvider and its code from the build. */
export abstract class DynamicResource extends pulumi.CustomResource {
  constructor(provider: Provider, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    const type = TYPES.get(provider);
    if (type === undefined) throw new Error(`the provider of ${name} is not named with defineProvider`);
    if ('__provider' in props) throw new Error('A dynamic resource must not define the __provider key');
    // Map keys as the provider's wire carries them (wire-keys.ts): a queue named `__proto__` stays one; and each
    // input printable, as the SDK prints it, even a map with an argument named `toString`.
    const inputs = Object.fromEntries(Object.entries(toWire(props)).map(([k, v]) => [k, printable(v)]));
    version ??= packageVersion();
    const __provider = providerLoader(type, version);
    super(`pulumi-nodejs:dynamic/warren:${type}`, name, { ...inputs, __provider }, opts);
  }
}
