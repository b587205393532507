// Merges the schema-checked files into one model. The same vhost may appear in
// many files; the same object (vhost + kind + name) or vhost setting declared
// twice is reported at both places.
import { at, finding, parsePointer, type Finding, type Source } from '../diagnostics/diagnostic.js';
import type { BindingSpec, TopologyFile, UserSpec, VHostSpec } from '../format/topology-schema.js';
import { bindingIdentity, describeBinding } from './binding-identity.js';
import {
  VHOST_OBJECT_KINDS,
  VHOST_SETTINGS,
  type Declared,
  type TopologyModel,
  type VHostModel,
  type VHostObjectKind,
} from './topology-model.js';
import { isMapping } from '../base/own-keys.js';

export interface CheckedFile {
  readonly file: string;
  readonly data: TopologyFile;
  /** Pointers the schema found malformed. */
  readonly broken: readonly string[];
}

export const KIND_NAMES: Record<VHostObjectKind | 'bindings' | 'users', string> = {
  exchanges: 'exchange',
  queues: 'queue',
  policies: 'policy',
  operatorPolicies: 'operator policy',
  federationUpstreams: 'federation upstream',
  federationUpstreamSets: 'federation upstream set',
  shovels: 'shovel',
  superStreams: 'super stream',
  bindings: 'binding',
  users: 'user',
};

// Fields an object cannot be checked without: when the schema found one of
// them malformed, the object is not `ok` (leaving the field out would leave
// the object without it).
const REQUIRED: Partial<Record<VHostObjectKind | 'bindings', readonly string[]>> = {
  policies: ['pattern', 'definition'],
  operatorPolicies: ['pattern', 'definition'],
  bindings: ['from'],
  shovels: ['source', 'destination'],
};

export function mergeFiles(files: readonly CheckedFile[]): { model: TopologyModel; findings: Finding[] } {
  const model: TopologyModel = { vhosts: new Map(), users: new Map() };
  const findings: Finding[] = [];
  const settingSources = new Map<string, Source>();
  for (const f of files) {
    const root: Source = { file: f.file, pointer: '' };
    const broken = new BrokenIndex(f.broken);
    // `what` is a function: the description is only needed for a duplicate.
    const add = <T>(
      map: Map<string, Declared<T>>,
      what: () => string,
      name: string,
      spec: T,
      src: Source,
      required: readonly string[] = [],
    ) => {
      const prior = map.get(name);
      if (prior) return duplicate(findings, what(), prior.src, src);
      map.set(name, usable(name, spec, src, broken, required));
    };
    for (const [name, spec] of entries<VHostSpec>(f.data.vhosts)) {
      const src = at(root, 'vhosts', name);
      if (!isMapping(spec)) continue;
      const vhost = vhostModel(model, name);
      vhost.sources.push(src);
      for (const key of VHOST_SETTINGS) {
        if (spec[key] === undefined) continue;
        const here = at(src, key);
        const prior = settingSources.get(`${name}\u0000${key}`);
        if (prior) duplicate(findings, `setting \`${key}\` of vhost \`${name}\``, prior, here);
        else {
          settingSources.set(`${name}\u0000${key}`, here);
          vhost.settingSources.set(key, here);
          (vhost.settings as Record<string, unknown>)[key] = spec[key];
        }
      }
      for (const kind of VHOST_OBJECT_KINDS) {
        for (const [objectName, objectSpec] of entries<never>(spec[kind])) {
          add(
            vhost[kind] as Map<string, Declared<unknown>>,
            () => `${KIND_NAMES[kind]} \`${objectName}\` in vhost \`${name}\``,
            objectName,
            objectSpec,
            at(src, kind, objectName),
            REQUIRED[kind],
          );
        }
      }
      (Array.isArray(spec.bindings) ? spec.bindings : []).forEach((binding: BindingSpec, i) => {
        if (!isMapping(binding)) return;
        const id = bindingIdentity(binding);
        add(
          vhost.bindings,
          () => `binding ${describeBinding(binding)} in vhost \`${name}\``,
          id,
          binding,
          at(src, 'bindings', i),
          REQUIRED.bindings,
        );
      });
    }
    for (const [name, spec] of entries<UserSpec>(f.data.users))
      add(model.users, () => `user \`${name}\``, name, spec, at(root, 'users', name));
  }
  return { model, findings };
}

/**
 * An object as the cross-checks may read it: fields the schema found malformed
 * are left out (so one bad field does not hide the checks of the others); an
 * object that is itself malformed, or lacks a required field, is not `ok`.
 */
function usable<T>(name: string, spec: T, src: Source, broken: BrokenIndex, required: readonly string[]): Declared<T> {
  // A list-valued object (an upstream set): its checks skip malformed members.
  if (Array.isArray(spec)) return { name, spec, src, ok: broken.empty || !broken.covers(src.pointer) };
  if (!isMapping(spec)) return { name, spec: {} as T, src, ok: false };
  if (broken.empty) return { name, spec, src, ok: true };
  if (broken.covers(src.pointer)) return { name, spec, src, ok: false };
  const bad = broken.fieldsBelow(src.pointer);
  if (!bad) return { name, spec, src, ok: true };
  // Without a required field the object cannot be checked further.
  if (required.some((field) => bad.has(field))) return { name, spec, src, ok: false };
  const kept = Object.fromEntries(Object.entries(spec as object).filter(([field]) => !bad.has(field))) as T;
  return { name, spec: kept, src, ok: true, dropped: [...bad] };
}

/**
 * The schema's malformed pointers of one file, indexed once: asking each
 * object about every broken pointer would take time quadratic in the number
 * of problems.
 */
class BrokenIndex {
  private readonly exact: ReadonlySet<string>;
  private readonly below = new Map<string, Set<string>>();
  readonly empty: boolean;

  constructor(broken: readonly string[]) {
    this.exact = new Set(broken);
    this.empty = broken.length === 0;
    for (const pointer of broken) {
      // Every proper prefix learns the field under it that leads to the problem.
      for (let i = pointer.indexOf('/', 1); i > 0; i = pointer.indexOf('/', i + 1)) {
        const prefix = pointer.slice(0, i);
        const field = parsePointer(pointer.slice(i))[0]!;
        let fields = this.below.get(prefix);
        if (!fields) {
          fields = new Set();
          this.below.set(prefix, fields);
        }
        fields.add(field);
      }
      if (pointer !== '') {
        let root = this.below.get('');
        if (!root) {
          root = new Set();
          this.below.set('', root);
        }
        root.add(parsePointer(pointer)[0]!);
      }
    }
  }

  /** Whether the pointer or one of its ancestors is malformed. */
  covers(pointer: string): boolean {
    if (this.exact.has('')) return true;
    for (let i = pointer.indexOf('/', 1); i > 0; i = pointer.indexOf('/', i + 1))
      if (this.exact.has(pointer.slice(0, i))) return true;
    return this.exact.has(pointer);
  }

  /** The fields directly under the pointer that hold a problem. */
  fieldsBelow(pointer: string): ReadonlySet<string> | undefined {
    return this.below.get(pointer);
  }
}

function duplicate(findings: Finding[], what: string, first: Source, second: Source): void {
  const targetOf = (s: Source) => (s.pointer.includes('/bindings/') ? 'value' : 'key') as 'key' | 'value';
  findings.push(
    finding('duplicate-object', first, `${what} is declared twice`, {
      target: targetOf(first),
      related: { ...second, target: targetOf(second) },
    }),
  );
  findings.push(
    finding('duplicate-object', second, `${what} is declared twice`, {
      target: targetOf(second),
      related: { ...first, target: targetOf(first) },
    }),
  );
}

function vhostModel(model: TopologyModel, name: string): VHostModel {
  let vhost = model.vhosts.get(name);
  if (!vhost) {
    vhost = {
      name,
      sources: [],
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

/**
 * The entries of a name-keyed map. Entries that are not mappings (`queue:`
 * with no value) were reported by the schema; they still declare their name,
 * so that references to them do not cascade into unknown-name errors.
 */
function entries<T>(map: unknown): [string, T][] {
  return isMapping(map) ? (Object.entries(map) as [string, T][]) : [];
}
