// Names @pulumi/rabbitmq could create but not manage (model/provider-ids.ts):
// `@` in the names its `name@vhost` and `user@vhost` ids join, `/` in a
// binding's ends, for the objects that are its resources in the granularity
// the stack deploys with. Unknown granularity (`warren validate` without
// --stack) checks what holds in every granularity: permissions.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { type Granularity, type ProviderIdKind, providerIdConflicts, providerIdWhy } from '../model/provider-ids.js';
import { partitionsOf } from '../model/super-stream-partitions.js';
import type { TopologyModel } from '../model/topology-model.js';

interface Held {
  readonly kind: ProviderIdKind;
  /** How a message names the object. */
  readonly what: string;
  readonly names: {
    readonly vhost: string;
    readonly name?: string;
    readonly source?: string;
    readonly destination?: string;
  };
  /** Where each name stands: the object's key, a binding's `from` / `to`. */
  readonly at: (name: string) => Source;
}

export function checkProviderIds(model: TopologyModel, granularity: Granularity | undefined): Finding[] {
  // The vhost granularity's resources of @pulumi/rabbitmq are the object granularity's too.
  const g = granularity ?? 'vhost';
  const out: Finding[] = [];
  const reported = new Set<string>();
  const report = (src: Source, text: string) => {
    const key = JSON.stringify([src.file, src.pointer]);
    if (reported.has(key)) return;
    reported.add(key);
    out.push(finding('provider-name', src, text, { target: 'key' }));
  };
  for (const held of heldObjects(model, g)) {
    for (const name of providerIdConflicts(held.kind, g, held.names)) {
      const why = providerIdWhy(held.kind);
      if (name === held.names.vhost && held.kind !== 'binding') {
        for (const src of model.vhosts.get(name)?.sources ?? [held.at(name)])
          report(src, `vhost name \`${name}\` holds \`@\`: ${why} (${held.what}, and every such object in the vhost)`);
      } else
        report(held.at(name), `${held.what}: \`${name}\` holds \`${held.kind === 'binding' ? '/' : '@'}\`: ${why}`);
    }
  }
  return out;
}

/** Every object of the topology that is a resource of @pulumi/rabbitmq in granularity `g`, with its names. */
function* heldObjects(model: TopologyModel, g: Granularity): Generator<Held> {
  // With `vhost`, a vhost's objects are warren's own resource: only permissions are the provider's.
  for (const v of g === 'object' ? model.vhosts.values() : []) {
    const vhost = v.name;
    for (const x of v.exchanges.values())
      if (!x.spec.internal)
        yield { kind: 'exchange', what: `exchange ${x.name}`, names: { vhost, name: x.name }, at: () => x.src };
    for (const q of v.queues.values())
      yield { kind: 'queue', what: `queue ${q.name}`, names: { vhost, name: q.name }, at: () => q.src };
    for (const p of v.policies.values())
      yield { kind: 'policy', what: `policy ${p.name}`, names: { vhost, name: p.name }, at: () => p.src };
    for (const p of v.operatorPolicies.values())
      yield {
        kind: 'operator-policy',
        what: `operator policy ${p.name}`,
        names: { vhost, name: p.name },
        at: () => p.src,
      };
    for (const b of v.bindings.values()) {
      const destination = b.spec.to ?? b.spec.toExchange;
      yield {
        kind: 'binding',
        what: `binding ${b.spec.from} → ${destination}`,
        names: { vhost, source: b.spec.from, ...(destination === undefined ? {} : { destination }) },
        at: (name) => at(b.src, name === b.spec.from ? 'from' : b.spec.to !== undefined ? 'to' : 'toExchange'),
      };
    }
    // A super stream is an exchange, its partition streams and a binding to each.
    for (const ss of v.superStreams.values()) {
      const what = `super stream ${ss.name}`;
      yield { kind: 'exchange', what, names: { vhost, name: ss.name }, at: () => ss.src };
      for (const p of ss.ok ? partitionsOf(ss.name, ss.spec) : []) {
        yield {
          kind: 'queue',
          what: `${what}'s partition ${p.stream}`,
          names: { vhost, name: p.stream },
          at: () => ss.src,
        };
        yield { kind: 'binding', what, names: { vhost, source: ss.name, destination: p.stream }, at: () => ss.src };
      }
    }
  }
  for (const u of model.users.values()) {
    for (const [field, kind] of [
      ['permissions', 'permissions'],
      ['topicPermissions', 'topic-permissions'],
    ] as const)
      for (const vhost of Object.keys(u.spec[field] ?? {}))
        yield {
          kind,
          what: `${kind} of user ${u.name} in vhost ${vhost}`,
          names: { vhost, name: u.name },
          at: (name) => (name === u.name ? u.src : at(u.src, field, vhost)),
        };
  }
}
