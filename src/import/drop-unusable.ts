// Before anything is imported, definitions that cannot be taken as they are
// are reported at their place in the export and left out: objects in a vhost
// the export does not list (RabbitMQ would refuse them), and every definition
// but the last of one object defined several times (RabbitMQ's own import
// keeps the last), and objects named `.` or `..`, which no management API
// path can name (model/reserved-names.ts). Left-out entries become holes, so that the indexes of the
// others (and their positions) stay as in the file.
import { finding, type Finding } from '../diagnostics/diagnostic.js';
import { canonical, fromBrokerRow, vhostBindingKey } from '../model/binding-identity.js';
import { isUnaddressable, UNADDRESSABLE_WHY } from '../model/reserved-names.js';
import type { Definitions } from './definitions-schema.js';

type Listed = Exclude<keyof Definitions, never>;

interface Identity {
  readonly what: string;
  /** How a finding names the object. */
  readonly key: (x: Record<string, unknown>) => string;
  /**
   * When two definitions are one object: the fields that identify it, as JSON (names may hold any character, so
   * the words of `key` could make two objects one); bindings by the one binding identity (model/binding-identity.ts).
   */
  readonly same: (x: Record<string, unknown>) => string;
  readonly inVhost: boolean;
  /** The fields whose values go into management API paths, besides `vhost` (a binding's key is its properties key when it has no arguments). */
  readonly inPaths: readonly string[];
}

/** The identity of a definition by the fields that name it. */
const by =
  (...fields: string[]) =>
  (x: Record<string, unknown>) =>
    JSON.stringify(fields.map((f) => x[f]));

// How each list names an object, and whether it lives in a vhost.
const IDENTITY: Record<Listed, Identity> = {
  vhosts: { what: 'vhost', key: (x) => String(x.name), same: by('name'), inVhost: false, inPaths: ['name'] },
  users: { what: 'user', key: (x) => String(x.name), same: by('name'), inVhost: false, inPaths: ['name'] },
  permissions: {
    what: 'permissions',
    key: (x) => `of ${String(x.user)} in vhost ${String(x.vhost)}`,
    same: by('user', 'vhost'),
    inVhost: true,
    inPaths: ['user'],
  },
  topic_permissions: {
    what: 'topic permissions',
    key: (x) => `of ${String(x.user)} in vhost ${String(x.vhost)} on exchange ${String(x.exchange)}`,
    same: by('user', 'vhost', 'exchange'),
    inVhost: true,
    inPaths: ['user'],
  },
  policies: {
    what: 'policy',
    key: (x) => `${String(x.name)} in vhost ${String(x.vhost)}`,
    same: by('name', 'vhost'),
    inVhost: true,
    inPaths: ['name'],
  },
  queues: {
    what: 'queue',
    key: (x) => `${String(x.name)} in vhost ${String(x.vhost)}`,
    same: by('name', 'vhost'),
    inVhost: true,
    inPaths: ['name'],
  },
  exchanges: {
    what: 'exchange',
    key: (x) => `${String(x.name)} in vhost ${String(x.vhost)}`,
    same: by('name', 'vhost'),
    inVhost: true,
    inPaths: ['name'],
  },
  bindings: {
    what: 'binding',
    key: (x) =>
      `${String(x.source)} → ${String(x.destination_type)} ${String(x.destination)} [${JSON.stringify(x.routing_key)} ${canonical(x.arguments ?? {})}] in vhost ${String(x.vhost)}`,
    same: (x) => vhostBindingKey(String(x.vhost), fromBrokerRow(x)),
    inVhost: true,
    inPaths: ['source', 'destination', 'routing_key'],
  },
  parameters: {
    what: 'parameter',
    key: (x) => `${String(x.component)} ${String(x.name)} in vhost ${String(x.vhost)}`,
    same: by('component', 'name', 'vhost'),
    inVhost: true,
    inPaths: ['name'],
  },
};

export function dropUnusable(file: string, d: Definitions, findings: Finding[]): Definitions {
  const vhosts = new Set((d.vhosts ?? []).filter(Boolean).map((v) => v.name));
  const out: Record<string, unknown> = { ...d };
  for (const [list, id] of Object.entries(IDENTITY) as [Listed, Identity][]) {
    const items = d[list] as Record<string, unknown>[] | undefined;
    if (!items) continue;
    const kept = new Array<Record<string, unknown>>(items.length);
    const last = new Map<string, number>();
    items.forEach((x, i) => {
      if (x === undefined) return;
      const at = { file, pointer: `/${list}/${i}` };
      const unaddressable = unaddressableField(x, id);
      if (unaddressable) {
        findings.push(
          finding(
            'import-skipped',
            { file, pointer: `/${list}/${i}/${unaddressable}` },
            `${id.what} ${id.key(x)}: ${unaddressable === 'routing_key' ? 'its properties key (the routing key of a binding without arguments), by which it is deleted, is' : `its ${unaddressable} is`} \`${String(x[unaddressable])}\`: ${UNADDRESSABLE_WHY}`,
          ),
        );
        return;
      }
      if (id.inVhost && !vhosts.has(String(x.vhost))) {
        findings.push(
          finding(
            'import-skipped',
            at,
            `${id.what} ${id.key(x)}: the export's \`vhosts\` does not list vhost \`${String(x.vhost)}\``,
          ),
        );
        return;
      }
      const key = id.same(x);
      const prior = last.get(key);
      if (prior !== undefined) {
        findings.push(
          finding(
            'import-skipped',
            { file, pointer: `/${list}/${prior}` },
            `${id.what} ${id.key(x)} is defined again at /${list}/${i}; the last definition is imported, as RabbitMQ does`,
          ),
        );
        delete kept[prior];
      }
      last.set(key, i);
      kept[i] = x;
    });
    out[list] = kept;
  }
  return out as Definitions;
}

/** The first field of `x` that names it in a management API path and holds a name no path can (`.` or `..`). */
function unaddressableField(x: Record<string, unknown>, id: Identity): string | undefined {
  const fields = [...(id.inVhost ? ['vhost'] : []), ...id.inPaths];
  return fields.find((f) => {
    if (f === 'routing_key' && !isEmptyMap(x.arguments)) return false;
    return typeof x[f] === 'string' && isUnaddressable(x[f]);
  });
}

function isEmptyMap(v: unknown): boolean {
  return v === undefined || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}
