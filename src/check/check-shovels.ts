// Shovel rules: each end has a usable URI; the source names exactly one queue
// or exchange, the destination at most one; a key only goes with an exchange;
// RabbitMQ refuses `no-ack` with a numeric `srcDeleteAfter`; delays are whole
// seconds; an end on this broker names objects its vhost declares.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { wholeSeconds } from '../format/parameter-fields.js';
import type { TopologyModel } from '../model/topology-model.js';
import type { EndpointSpec, ShovelSpec } from '../format/topology-schema.js';
import { checkKeyLength, checkReferencedName } from './check-names.js';
import { checkLocalObject, checkUri } from './check-uris.js';

export function checkShovels(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values())
    for (const shovel of vhost.shovels.values()) if (shovel.ok) checkShovel(out, model, shovel.spec, shovel.src);
  return out;
}

function checkShovel(out: Finding[], model: TopologyModel, spec: ShovelSpec, src: Source): void {
  checkEnd(out, model, spec.source, at(src, 'source'), true);
  checkEnd(out, model, spec.destination, at(src, 'destination'), false);
  if (spec.ackMode === 'no-ack' && typeof spec.srcDeleteAfter === 'number')
    out.push(
      finding(
        'shovel-conflict',
        at(src, 'srcDeleteAfter'),
        'RabbitMQ refuses `ackMode: no-ack` with a number for `srcDeleteAfter`: it cannot count what it does not acknowledge',
      ),
    );
  if (wholeSeconds(spec.reconnectDelay) === false)
    out.push(
      finding(
        'invalid-value',
        at(src, 'reconnectDelay'),
        'RabbitMQ keeps `reconnect-delay` in whole seconds: write a whole number of seconds (e.g. 5s)',
      ),
    );
}

function checkEnd(out: Finding[], model: TopologyModel, end: EndpointSpec, src: Source, source: boolean): void {
  if (typeof end !== 'object' || end === null) return;
  const hasQueue = end.queue !== undefined;
  const hasExchange = end.exchange !== undefined;
  if (hasQueue && hasExchange)
    out.push(
      finding('field-choice', at(src, 'exchange'), 'a shovel end has a `queue` or an `exchange`, not both', {
        target: 'key',
      }),
    );
  else if (source && !hasQueue && !hasExchange)
    out.push(finding('field-choice', src, "a shovel's source needs a `queue` or an `exchange`"));
  if (end.key !== undefined && !hasExchange)
    out.push(
      finding('shovel-conflict', at(src, 'key'), '`key` goes with an `exchange`; RabbitMQ ignores it otherwise', {
        target: 'key',
      }),
    );
  out.push(...checkKeyLength(end.key, src, 'key'));
  out.push(...checkReferencedName(end.queue, at(src, 'queue'), 'queue'));
  out.push(...checkReferencedName(end.exchange, at(src, 'exchange'), 'exchange'));
  if (end.uri === undefined) return;
  const reading = checkUri(out, end.uri, at(src, 'uri'));
  if (hasQueue) checkLocalObject(out, model, reading, 'queue', end.queue, at(src, 'queue'));
  if (hasExchange && !(source && end.exchange === ''))
    checkLocalObject(out, model, reading, 'exchange', end.exchange, at(src, 'exchange'));
  if (source && end.exchange === '')
    out.push(finding('default-exchange-binding', at(src, 'exchange'), 'the default exchange `""` cannot be bound'));
}
