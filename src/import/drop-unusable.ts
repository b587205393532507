// Before anything is imported, definitions that cannot be taken as they are
// are reported at their place in the export and left out: objects in a vhost
// the export does not list (RabbitMQ would refuse them), and every definition
// but the last of one object defined several times (RabbitMQ's own import
// keeps the last). Left-out entries become holes, so that the indexes of the
// others (and their positions) stay as in the file.
import { finding, type Finding } from '../diagnostics/diagnostic.js';
import { canonical, fromBrokerRow, vhostBindingKey } from '../model/binding-identity.js';
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
}

/** The identity of a definition by the fields that name it. */
const by =
  (...fields: string[]) =>
  (x: Record<string, unknown>) =>
    JSON.stringify(fields.map((f) => x[f]));

// How each list names an object, and whether it lives in a vhost.
const IDENTITY: Record<Listed, Identity> = {
  vhosts: { what: 'vhost', key: (x) => String(x.name), same: by('name'), inVhost: false },
  users: { what: 'user', key: (x) => String(x.name), same: by('name'), inVhost: false },
  permissions: {
    what: 'permissions',
    key: (x) => `of ${String(x.user)} in vhost ${String(x.vhost)}`,
    same: by('user', 'vhost'),
    inVhost: true,
  },
  topic_permissions: {
    what: 'topic permissions',
    key: (x) => `of ${String(x.user)} in vhost ${String(x.vhost)} on exchange ${String(x.exchange)}`,
    same: by('user', 'vhost', 'exchange'),
    inVhost: true,
  },
  policies: {
    what: 'policy',
    key: (x) => `${String(x.name)} in vhost ${String(x.vhost)}`,
    same: by('name', 'vhost'),
    inVhost: true,
  },
  queues: {
    what: 'queue',
    key: (x) => `${String(x.name)} in vhost ${String(x.vhost)}`,
    same: by('name', 'vhost'),
    inVhost: true,
  },
  exchanges: {
    what: 'exchange',
    key: (x) => `${String(x.name)} in vhost ${String(x.vhost)}`,
    same: by('name', 'vhost'),
    inVhost: true,
  },
  bindings: {
    what: 'binding',
    key: (x) =>
      `${String(x.source)} → ${String(x.destination_type)} ${String(x.destination)} [${JSON.stringify(x.routing_key)} ${canonical(x.arguments ?? {})}] in vhost ${String(x.vhost)}`,
    same: (x) => vhostBindingKey(String(x.vhost), fromBrokerRow(x)),
    inVhost: true,
  },
  parameters: {
    what: 'parameter',
    key: (x) => `${String(x.component)} ${String(x.name)} in vhost ${String(x.vhost)}`,
    same: by('component', 'name', 'vhost'),
    inVhost: true,
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
