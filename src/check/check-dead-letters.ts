// The dead-letter graph. A queue's dead letters go to its dead-letter exchange
// with its dead-letter routing key; when that key is declared (or the exchange
// ignores keys) warren can tell where they land:
// - nowhere: every dead letter would be dropped (`dead-letter-unroutable`);
// - around a cycle of queues that all dead-letter by expiry: no consumer is
//   needed to move them, and RabbitMQ drops a message that comes back to a
//   queue without a rejection in between (`dead-letter-cycle`).
// Without a declared key, dead letters keep their original key, which only
// publishers know; those edges are left out rather than guessed.
import { at, finding, type Finding } from '../diagnostics/diagnostic.js';
import { exchangeType, hasExchange, queueType, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import { RoutingIndex } from '../route/route-message.js';

export function checkDeadLetters(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    const edges = deadLetterEdges(out, vhost);
    findExpiryCycles(out, vhost, edges);
  }
  return out;
}

function deadLetterEdges(out: Finding[], vhost: VHostModel): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  let index: RoutingIndex | undefined;
  for (const { name, spec, src, ok } of vhost.queues.values()) {
    const dl = spec.deadLetter;
    if (!ok || !dl || queueType(vhost, spec) === 'stream') continue;
    if (dl.exchange !== '' && !hasExchange(vhost, dl.exchange)) continue; // reported as unknown-exchange
    const type = dl.exchange === '' ? 'direct' : exchangeType(vhost, dl.exchange);
    if (type === 'headers' || (dl.routingKey === undefined && type !== 'fanout')) continue;
    index ??= new RoutingIndex(vhost);
    const result = index.route(dl.exchange, { key: dl.routingKey ?? '', headers: {} });
    if (result.uncertain.length > 0) continue;
    if (result.queues.length === 0) {
      const key = dl.routingKey === undefined ? '' : ` with key \`${dl.routingKey}\``;
      const via = dl.exchange === '' ? 'the default exchange' : `exchange \`${dl.exchange}\``;
      out.push(
        finding(
          'dead-letter-unroutable',
          at(src, 'deadLetter'),
          `dead letters of queue \`${name}\` sent to ${via}${key} reach no queue and would be dropped`,
        ),
      );
    }
    edges.set(name, result.queues);
  }
  return edges;
}

/** Cycles among queues that all have a message TTL, each reported once. */
function findExpiryCycles(out: Finding[], vhost: VHostModel, edges: Map<string, string[]>): void {
  const expires = (q: string) => vhost.queues.get(q)?.spec.messageTtl !== undefined;
  const state = new Map<string, 'open' | 'done'>();
  for (const start of [...edges.keys()].filter(expires).sort()) {
    if (state.has(start)) continue;
    // Iterative DFS: the path stack gives the cycle when an open node is met again.
    const path: string[] = [];
    const stack: { node: string; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, 'open');
    path.push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = (edges.get(top.node) ?? []).filter(expires);
      const target = targets[top.next++];
      if (target === undefined) {
        state.set(top.node, 'done');
        stack.pop();
        path.pop();
      } else if (state.get(target) === 'open') {
        reportCycle(out, vhost, path.slice(path.indexOf(target)));
      } else if (!state.has(target)) {
        state.set(target, 'open');
        path.push(target);
        stack.push({ node: target, next: 0 });
      }
    }
  }
}

function reportCycle(out: Finding[], vhost: VHostModel, cycle: string[]): void {
  const first = vhost.queues.get(cycle[0]!)!;
  const loop = [...cycle, cycle[0]].map((q) => `\`${q}\``).join(' → ');
  out.push(
    finding(
      'dead-letter-cycle',
      at(first.src, 'deadLetter'),
      `queues ${loop} dead-letter into each other by expiry with no consumer exit; RabbitMQ drops such messages`,
    ),
  );
}
