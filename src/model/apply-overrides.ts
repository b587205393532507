// Per-environment differences. One topology serves every stack; a stack's
// `warren:overrides` config value (same shape as a topology file, without
// `version`) is laid over the merged model:
// - mappings merge key by key; scalars and lists replace;
// - `null` removes: an object (`queues: { debug: null }`), a vhost, a user, a
//   field, or all of a kind (`queues: null`, `bindings: null`, `users: null`);
// - `bindings` listed in an override are added to the vhost's bindings.
// Overridden and added objects point at the override in the stack file, so
// every diagnostic about them names the place the difference was written.
import { at, type Source } from '../diagnostics/diagnostic.js';
import type { BindingSpec } from '../schema/topology-schema.js';
import { bindingIdentity } from './binding-identity.js';
import { hasOwn, own, setOwn } from './own-keys.js';
import {
  VHOST_OBJECT_KINDS,
  VHOST_SETTINGS,
  type Declared,
  type TopologyModel,
  type VHostModel,
} from './topology-model.js';

type Json = Record<string, unknown>;

export function applyOverrides(model: TopologyModel, overrides: unknown, src: Source): void {
  if (!isObject(overrides)) return;
  // `vhosts: null` / `users: null` remove every one of them, as null removes anywhere.
  if (overrides.vhosts === null) model.vhosts.clear();
  if (overrides.users === null) model.users.clear();
  for (const [name, patch] of Object.entries(isObject(overrides.vhosts) ? overrides.vhosts : {})) {
    const here = at(src, 'vhosts', name);
    if (patch === null) model.vhosts.delete(name);
    else if (isObject(patch)) patchVhost(vhostOf(model, name, here), patch, here);
  }
  for (const [name, patch] of Object.entries(isObject(overrides.users) ? overrides.users : {})) {
    patchObject(model.users, name, patch, at(src, 'users', name));
  }
}

function patchVhost(vhost: VHostModel, patch: Json, src: Source): void {
  for (const key of VHOST_SETTINGS) {
    if (!hasOwn(patch, key)) continue;
    const settings = vhost.settings as Json;
    const value = merge(settings[key], patch[key]);
    if (value === undefined) delete settings[key];
    else settings[key] = value;
    vhost.settingSources.set(key, at(src, key));
  }
  for (const kind of VHOST_OBJECT_KINDS) {
    const objects = patch[kind];
    if (objects === null) vhost[kind].clear();
    if (!isObject(objects)) continue;
    for (const [name, objectPatch] of Object.entries(objects))
      patchObject(vhost[kind] as Map<string, Declared<unknown>>, name, objectPatch, at(src, kind, name));
  }
  if (patch.bindings === null) vhost.bindings.clear();
  (Array.isArray(patch.bindings) ? patch.bindings : []).forEach((binding: unknown, i) => {
    if (!isObject(binding)) return;
    const id = bindingIdentity(binding as BindingSpec);
    vhost.bindings.set(id, { name: id, spec: binding as BindingSpec, src: at(src, 'bindings', i), ok: true });
  });
}

function patchObject<T>(map: Map<string, Declared<T>>, name: string, patch: unknown, src: Source): void {
  if (patch === null) {
    map.delete(name);
    return;
  }
  const prior = map.get(name);
  // A list-valued object (an upstream set) is replaced, as lists are.
  if (Array.isArray(patch)) {
    map.set(name, { name, spec: patch as T, src, ok: true });
    return;
  }
  if (!isObject(patch)) return;
  map.set(name, { name, spec: merge(prior?.spec ?? {}, patch) as T, src, ok: prior?.ok ?? true });
}

/**
 * Deep merge: mappings key by key, null removes, anything else replaces. Keys
 * are names (argument keys, header names): own keys only, so that `__proto__`
 * or `constructor` is a key like any other (model/own-keys.ts).
 */
export function merge(base: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (!isObject(patch) || !isObject(base)) return patch;
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const merged = merge(own(base, key), value);
    if (merged === undefined) delete out[key];
    else setOwn<unknown>(out, key, merged);
  }
  return out;
}

function vhostOf(model: TopologyModel, name: string, src: Source): VHostModel {
  let vhost = model.vhosts.get(name);
  if (!vhost) {
    vhost = {
      name,
      sources: [src],
      settings: {},
      settingSources: new Map(),
      exchanges: new Map(),
      queues: new Map(),
      bindings: new Map(),
      policies: new Map(),
      operatorPolicies: new Map(),
      federationUpstreams: new Map(),
      federationUpstreamSets: new Map(),
      shovels: new Map(),
      superStreams: new Map(),
    };
    model.vhosts.set(name, vhost);
  }
  return vhost;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
