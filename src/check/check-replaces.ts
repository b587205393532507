// `replaces: OLD` on a queue (format 1.2, plan/queue-migrations.ts): the new
// queue takes OLD's place, so OLD must be a queue the topology no longer
// declares, named by one queue only, and not the queue itself
// (`replaces-invalid`). The new queue's bindings are the ones the topology
// gives it; OLD's are removed once those exist.
import { at, finding, type Finding } from '../diagnostics/diagnostic.js';
import { hasQueue, type TopologyModel } from '../model/topology-model.js';
import { reservedPrefix } from '../model/reserved-names.js';

export function checkReplaces(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    const claimed = new Map<string, string>();
    for (const { name, spec, src, ok } of vhost.queues.values()) {
      const old = spec.replaces;
      if (!ok || old === undefined) continue;
      const refuse = (why: string) =>
        out.push(finding('replaces-invalid', at(src, 'replaces'), `queue \`${name}\` replaces \`${old}\`: ${why}`));
      if (old === '') refuse('an empty name names no queue');
      else if (old === name)
        refuse('a queue cannot replace itself (to change its declaration, see warren:allow.migrate)');
      else if (hasQueue(vhost, old))
        refuse(`the topology still declares \`${old}\`; a replaced queue leaves the topology`);
      else if (reservedPrefix('queue', old)) refuse(`\`${old}\` is not a queue a topology can name`);
      else if (claimed.has(old)) refuse(`queue \`${claimed.get(old)}\` replaces it already`);
      claimed.set(old, claimed.get(old) ?? name);
    }
  }
  return out;
}
