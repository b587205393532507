// The rule that keeps messages: between the last deployment and this one, a
// managed queue may not be re-declared (an immutable field changed) or
// deleted (removed from the topology, or its vhost was) unless the stack
// allows it for that queue by id. Each refusal names the queue, what changed,
// and the allowance that would permit it.
import { own, setOwn } from '../base/own-keys.js';
import type { GuardInputs } from './plan-types.js';
import { allowsId, fingerprintRefusal } from './queue-migrations.js';

export function guardRefusals(previous: GuardInputs | undefined, next: GuardInputs): string[] {
  if (!previous?.queues) return [];
  const out: string[] = [];
  const [was, is] = [previous.granularity ?? 'object', next.granularity ?? 'object'];
  if (was !== is) {
    // Pulumi would create the new resources, then delete the old ones: with them every queue and its messages.
    // A stack deployed with object while it was the default, that never set it: the new default must not switch it.
    const keep =
      was === 'object' && is === 'vhost'
        ? 'warren:granularity defaults to vhost now; a stack deployed while object was the default keeps it only if it says so: set warren:granularity: object in the stack file to keep it as it is, or switch. '
        : '';
    out.push(
      `warren:granularity changes from ${was} to ${is}: applying that would delete every managed object and declare it again. ` +
        `Nothing was changed. ${keep}To switch, forget the old resources without deleting them, then adopt the objects: ` +
        'pulumi state delete "$(pulumi stack output guard)" --target-dependents --yes, then pulumi up (docs/pulumi.md, "Granularity").',
    );
    return out;
  }
  const migrate = next.allowMigrate ?? [];
  const replacedBy = new Map(Object.entries(next.replaces ?? {}).map(([by, old]) => [old, by]));
  // Migrations are carried out by the vhost group's provider (pulumi/dynamic/migrate-queues.ts).
  const unsupported = is === 'vhost' ? undefined : 'migrations are carried out with warren:granularity: vhost';
  for (const [by, old] of Object.entries(next.replaces ?? {}).sort())
    if (unsupported) out.push(`queue ${by} replaces ${old}: ${unsupported}; set it (docs/pulumi.md, "Granularity")`);
  for (const [id, before] of Object.entries(previous.queues).sort()) {
    const after = next.queues[id];
    if (after === undefined && !next.allowDelete.includes(id) && !replacedBy.has(id)) {
      out.push(
        `queue ${id} is no longer in the topology (or its vhost is not): deleting it would lose its messages. ` +
          `To move its messages into another queue, give that queue replaces: <this queue's name>; ` +
          `to delete it, add "${id}" to warren:allow.delete in the stack config.`,
      );
    } else if (after !== undefined && after !== before && allowsId(migrate, id)) {
      const why = fingerprintRefusal(before, after) ?? unsupported;
      if (why) out.push(`queue ${id}: ${describeChange(before, after)} cannot be migrated: ${why}.`);
    } else if (after !== undefined && after !== before && !next.allowRecreate.includes(id)) {
      out.push(
        `queue ${id}: ${describeChange(before, after)} cannot change on a live queue; applying it would delete and re-declare the queue and lose its messages. ` +
          `To move its messages into the new declaration, add "${id}" to warren:allow.migrate (docs/pulumi.md, "Migrating queues"); ` +
          `to re-declare it and lose them, to warren:allow.recreate in the stack config.`,
      );
    }
  }
  return out;
}

/** "arguments.x-queue-type classic → quorum, durable true → false" from two fingerprints. */
export function describeChange(before: string, after: string): string {
  const a = flatten(JSON.parse(before));
  const b = flatten(JSON.parse(after));
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const changes = keys
    .filter((k) => own(a, k) !== own(b, k))
    .map((k) => `${k} ${own(a, k) ?? '(unset)'} → ${own(b, k) ?? '(unset)'}`);
  return changes.join(', ');
}

/**
 * Each leaf by its path: `arguments.x-queue-type`; a key that holds other than letters, digits, `_` and `-` is
 * quoted (`arguments["a.b"]`), so that two paths never read as one (names are data).
 */
function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    setOwn(out, prefix, JSON.stringify(value));
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    const step = /^[A-Za-z0-9_-]+$/.test(k) ? (prefix ? `.${k}` : k) : `[${JSON.stringify(k)}]`;
    flatten(v, prefix + step, out);
  }
  return out;
}
