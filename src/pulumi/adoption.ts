// `warren:adopt`: take over objects that already exist on the broker (after
// `warren import`) without re-creating them. Each plan entry whose object is
// on the broker gets the provider's own id, which the entry point passes as
// Pulumi's `import` option: Pulumi then reads the object and refuses to adopt
// it if it differs from the topology, instead of replacing it. Objects not on
// the broker yet are created as usual. Bindings are identified by the
// broker's properties key, so this reads the live bindings.
// Not adopted by import (the dynamic providers cannot import, pulumi/pulumi#16175):
// vhost settings, users with a hash or no password, user limits and internal
// exchanges. Their create writes the same values the broker already holds.
import { fromBrokerRow, vhostBindingKey } from '../model/binding-identity.js';
import type { ExchangeEntry, Plan, PlanEntry } from '../plan/plan-types.js';
import { callApi, type Connection } from './dynamic/management-api.js';
import { isWireSafe } from './dynamic/wire-keys.js';
import { checkEnvironment } from './validate-or-throw.js';
import { plainError } from './dynamic/plain-error.js';

interface Live {
  readonly vhosts: Set<string>;
  readonly objects: Set<string>;
  /** Binding identity → properties key. */
  readonly bindings: Map<string, string>;
}

type Row = Record<string, unknown>;

export async function adoptionIds(plan: Plan, conn: Connection): Promise<Map<string, string>> {
  checkEnvironment(['WARREN_MANAGEMENT_TIMEOUT_MS']);
  const live = await readLive(conn);
  const ids = new Map<string, string>();
  for (const entry of plan.entries) {
    const id = importId(entry, live);
    // The provider splits `name@vhost` ids at `@`: names holding one cannot be imported (they are declared instead).
    if (id !== undefined && (entry.kind === 'binding' || entry.kind === 'vhost' || id.split('@').length === 2))
      ids.set(entry.id, id);
  }
  return ids;
}

async function readLive(conn: Connection): Promise<Live> {
  // What is not on the broker is created instead of adopted: an answer that is not the list asked for must not read as "nothing there".
  const get = async (path: string) => {
    const { status, json } = await callApi(conn, 'GET', path);
    if (status !== 200 || !Array.isArray(json) || !json.every((r) => typeof r === 'object' && r !== null))
      throw plainError(`warren:adopt: GET /api${path} answered ${status} without the list of objects it lists`);
    return json as Row[];
  };
  const [vhosts, exchanges, queues, policies, operatorPolicies, permissions, topicPermissions, bindings] =
    await Promise.all(
      [
        '/vhosts',
        '/exchanges',
        '/queues',
        '/policies',
        '/operator-policies',
        '/permissions',
        '/topic-permissions',
        '/bindings',
      ].map(get),
    );
  const objects = new Set<string>();
  const add = (kind: string, rows: Row[], name: string) => {
    for (const r of rows) objects.add(key(kind, String(r.vhost), String(r[name])));
  };
  add('exchange', exchanges!, 'name');
  add('queue', queues!, 'name');
  add('policy', policies!, 'name');
  add('operator-policy', operatorPolicies!, 'name');
  add('permissions', permissions!, 'user');
  add('topic-permissions', topicPermissions!, 'user');
  const keys = new Map(
    bindings!.map((b) => [vhostBindingKey(String(b.vhost), fromBrokerRow(b)), String(b.properties_key)]),
  );
  return { vhosts: new Set(vhosts!.map((v) => String(v.name))), objects, bindings: keys };
}

function key(kind: string, vhost: string, name: string): string {
  return JSON.stringify([kind, vhost, name]);
}

/**
 * Whether @pulumi/rabbitmq's Exchange can declare the exchange as the plan has it: it declares no internal
 * exchange, loses an argument key `__proto__`, and takes arguments as strings only (the broker would hold
 * `x-super-stream: "true"`, which `warren drift` reports). The others are a dynamic resource (InternalExchange).
 */
export function byRabbitmqProvider(e: ExchangeEntry): boolean {
  return !e.internal && isWireSafe(e.arguments) && allStrings(e.arguments);
}

/** The id the rabbitmq provider gives this entry's resource, when the object exists. */
function importId(e: PlanEntry, live: Live): string | undefined {
  switch (e.kind) {
    case 'vhost':
      return live.vhosts.has(e.name) ? e.name : undefined;
    case 'exchange':
      // Only an exchange @pulumi/rabbitmq declares is imported; the others are a dynamic resource.
      return byRabbitmqProvider(e) && live.objects.has(key('exchange', e.vhost, e.name))
        ? `${e.name}@${e.vhost}`
        : undefined;
    case 'queue':
    case 'policy':
    case 'operator-policy':
      return live.objects.has(key(e.kind, e.vhost, e.name)) ? `${e.name}@${e.vhost}` : undefined;
    case 'permissions':
    case 'topic-permissions':
      return live.objects.has(key(e.kind, e.vhost, e.user)) ? `${e.user}@${e.vhost}` : undefined;
    case 'binding': {
      // The provider reads a binding's arguments as a string map when importing: others would not match (they are declared instead).
      if (!allStrings(e.arguments) || !isWireSafe(e.arguments)) return undefined;
      const props = live.bindings.get(vhostBindingKey(e.vhost, e));
      return props === undefined
        ? undefined
        : [e.vhost.replace(/%/g, '%25').replace(/\//g, '%2F'), e.source, e.destination, e.destinationType, props].join(
            '/',
          );
    }
    case 'user':
      // A user with a stack-secret password is (re)declared with it: the broker cannot say whether it matches.
      return undefined;
  }
}

export function allStrings(map: Record<string, unknown>): boolean {
  return Object.values(map).every((v) => typeof v === 'string');
}
