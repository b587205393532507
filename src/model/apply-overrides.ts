// Per-environment differences. One topology serves every stack; a stack's
// `warren:overrides` config value (same shape as a topology file, without
// `version`) is laid over the merged model:
// - mappings merge key by key; scalars and lists replace;
// - `null` removes: an object (`queues: { debug: null }`), a vhost, a user, a
//   field, or all of a kind (`queues: null`, `bindings: null`, `users: null`);
// - `bindings` listed in an override are added to the vhost's bindings.
// Overridden and added objects point at the override in the stack file, so
// every diagnostic about them names the place the difference was written.
//
// An override changes what the topology declares; a name it gives that the
// topology lacks is where a typo would go unnoticed, so:
// - a vhost the topology does not declare is an error (`unknown-vhost`): a
//   misspelt `shpo:` would otherwise create a whole vhost on that broker;
// - `null` for a vhost, user or object that is not there is an error
//   (`override-removes-nothing`): the object meant stays;
// - an object or user the override adds is allowed (a queue only staging
//   has); when its name is a typo away from one the topology declares, it is
//   a warning (`override-near-name`) naming both: a misspelt name adds an
//   object instead of changing the one meant. A name that differs only in
//   its digits (`worker-3` beside `worker-2`) is a sibling, not a typo.
import { closestName } from '../diagnostics/closest-name.js';
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import type { BindingSpec } from '../format/topology-schema.js';
import { bindingIdentity } from './binding-identity.js';
import { hasOwn, isMapping, own, setOwn } from '../base/own-keys.js';
import { KIND_NAMES } from './merge-files.js';
import {
  VHOST_OBJECT_KINDS,
  VHOST_SETTINGS,
  type Declared,
  type TopologyModel,
  type VHostModel,
} from './topology-model.js';

type Json = Record<string, unknown>;

/** Lays `overrides` over `model`; returns the findings about names the topology does not declare. */
export function applyOverrides(model: TopologyModel, overrides: unknown, src: Source): Finding[] {
  const findings: Finding[] = [];
  if (!isMapping(overrides)) return findings;
  // `vhosts: null` / `users: null` remove every one of them, as null removes anywhere.
  if (overrides.vhosts === null) model.vhosts.clear();
  if (overrides.users === null) model.users.clear();
  const declared = [...model.vhosts.keys()];
  for (const [name, patch] of Object.entries(isMapping(overrides.vhosts) ? overrides.vhosts : {})) {
    const here = at(src, 'vhosts', name);
    const vhost = vhostOf(model, name);
    if (vhost && patch === null) model.vhosts.delete(name);
    else if (vhost && isMapping(patch)) patchVhost(vhost, patch, here, findings);
    else if (!vhost && patch === null)
      findings.push(removesNothing(here, `vhost \`${name}\``, 'the topology', nearName(name, declared)));
    else if (!vhost)
      findings.push(
        finding(
          'unknown-vhost',
          here,
          `vhost \`${name}\` is not declared in the topology; an override changes or removes what the topology declares, and cannot add a vhost${didYouMean(nearName(name, declared))}`,
          { target: 'key' },
        ),
      );
  }
  const users = { kind: 'users', owner: 'the topology', declared: [...model.users.keys()], findings } as const;
  for (const [name, patch] of Object.entries(isMapping(overrides.users) ? overrides.users : {})) {
    patchObject(model.users, name, patch, at(src, 'users', name), users);
  }
  return findings;
}

/** Where patchObject reports: the kind of the map, what holds it (for messages), the names the topology declares there. */
interface Report {
  readonly kind: keyof typeof KIND_NAMES;
  readonly owner: string;
  readonly declared: readonly string[];
  readonly findings: Finding[];
}

function patchVhost(vhost: VHostModel, patch: Json, src: Source, findings: Finding[]): void {
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
    if (!isMapping(objects)) continue;
    const report = { kind, owner: `vhost \`${vhost.name}\``, declared: [...vhost[kind].keys()], findings };
    for (const [name, objectPatch] of Object.entries(objects))
      patchObject(vhost[kind] as Map<string, Declared<unknown>>, name, objectPatch, at(src, kind, name), report);
  }
  if (patch.bindings === null) vhost.bindings.clear();
  (Array.isArray(patch.bindings) ? patch.bindings : []).forEach((binding: unknown, i) => {
    if (!isMapping(binding)) return;
    const id = bindingIdentity(binding as BindingSpec);
    vhost.bindings.set(id, { name: id, spec: binding as BindingSpec, src: at(src, 'bindings', i), ok: true });
  });
}

function patchObject<T>(
  map: Map<string, Declared<T>>,
  name: string,
  patch: unknown,
  src: Source,
  report: Report,
): void {
  const prior = map.get(name);
  const what = `${KIND_NAMES[report.kind]} \`${name}\``;
  if (patch === null) {
    if (prior) map.delete(name);
    else report.findings.push(removesNothing(src, what, report.owner, nearName(name, report.declared)));
    return;
  }
  const typoOf = prior || patch === null ? undefined : typoOfDeclared(name, report.declared);
  if (typoOf !== undefined)
    report.findings.push(
      finding(
        'override-near-name',
        src,
        `adds ${what}, which ${report.owner} does not declare; did you mean \`${typoOf}\`? (an override adds what it does not find)`,
        { target: 'key' },
      ),
    );
  // A list-valued object (an upstream set) is replaced, as lists are.
  if (Array.isArray(patch)) {
    map.set(name, { name, spec: patch as T, src, ok: true });
    return;
  }
  if (!isMapping(patch)) return;
  map.set(name, { name, spec: merge(prior?.spec ?? {}, patch) as T, src, ok: prior?.ok ?? true });
}

/**
 * Deep merge: mappings key by key, null removes, anything else replaces. Keys
 * are names (argument keys, header names): own keys only, so that `__proto__`
 * or `constructor` is a key like any other (base/own-keys.ts).
 */
export function merge(base: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (!isMapping(patch) || !isMapping(base)) return patch;
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const merged = merge(own(base, key), value);
    if (merged === undefined) delete out[key];
    else setOwn<unknown>(out, key, merged);
  }
  return out;
}

/** The vhost an override names, when the topology declares it: an override never creates one. */
function vhostOf(model: TopologyModel, name: string): VHostModel | undefined {
  return model.vhosts.get(name);
}

function removesNothing(src: Source, what: string, owner: string, near: string | undefined): Finding {
  return finding(
    'override-removes-nothing',
    src,
    `\`null\` removes ${what}, which ${owner} does not declare${didYouMean(near)}`,
    {
      target: 'key',
    },
  );
}

/** A declared name one or two edits away (case aside): what a typo of it would look like. */
function nearName(name: string, declared: readonly string[]): string | undefined {
  return closestName(name, declared, 2);
}

/** The declared name `name` is likely a misspelling of: near, and not a sibling that differs only in digits. */
function typoOfDeclared(name: string, declared: readonly string[]): string | undefined {
  const shape = (n: string) => n.replace(/[0-9]+/g, '');
  return nearName(
    name,
    declared.filter((d) => shape(d) !== shape(name)),
  );
}

function didYouMean(near: string | undefined): string {
  return near === undefined ? '' : ` (did you mean \`${near}\`?)`;
}
