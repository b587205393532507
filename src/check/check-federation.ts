// Federation rules: each upstream has its URI(s) and whole-second delays;
// sets name upstreams of their vhost; policies that federate name upstreams
// or sets the vhost declares (`all` is every upstream); an upstream of this
// broker names objects its vhost declares.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { toBroker, UPSTREAM_FIELD, wholeSeconds } from '../format/parameter-fields.js';
import { QUEUE_ARGUMENT } from '../model/queue-arguments.js';
import { QUEUE_FIELD } from '../format/queue-fields.js';
import type { TopologyModel, VHostModel } from '../model/topology-model.js';
import type { UpstreamSetMemberSpec, UpstreamSpec } from '../format/topology-schema.js';
import { closestName } from '../diagnostics/closest-name.js';
import { checkReferencedName } from './check-names.js';
import { checkLocalObject, checkUri } from './check-uris.js';

export function checkFederation(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    for (const upstream of vhost.federationUpstreams.values())
      if (upstream.ok) checkUpstream(out, model, upstream.spec, upstream.src, upstream.dropped ?? []);
    for (const set of vhost.federationUpstreamSets.values()) {
      if (!set.ok || !Array.isArray(set.spec)) continue;
      set.spec.forEach((member, i) => {
        checkMember(out, vhost, member, at(set.src, i));
      });
    }
    checkPolicies(out, vhost);
  }
  return out;
}

function checkUpstream(
  out: Finding[],
  model: TopologyModel,
  spec: UpstreamSpec,
  src: Source,
  dropped: readonly string[],
): void {
  const malformed = dropped.includes('uri') || dropped.includes('uris');
  if (!malformed && (spec.uri === undefined) === (spec.uris === undefined)) {
    out.push(
      finding(
        'field-choice',
        spec.uri !== undefined ? at(src, 'uris') : src,
        spec.uri !== undefined
          ? 'an upstream has `uri` or `uris`, not both'
          : 'an upstream needs `uri` (one URI) or `uris` (several)',
        { target: 'key' },
      ),
    );
  }
  const uris = spec.uri !== undefined ? [[spec.uri, at(src, 'uri')] as const] : [];
  (spec.uris ?? []).forEach((u, i) => {
    uris.push([u, at(src, 'uris', i)]);
  });
  for (const [uri, here] of uris) {
    const reading = checkUri(out, uri, here);
    checkLocalObject(out, model, reading, 'exchange', spec.exchange, at(src, 'exchange'));
    checkLocalObject(out, model, reading, 'queue', spec.queue, at(src, 'queue'));
  }
  out.push(...checkReferencedName(spec.exchange, at(src, 'exchange'), 'exchange'));
  out.push(...checkReferencedName(spec.queue, at(src, 'queue'), 'queue'));
  checkSeconds(out, spec, src);
}

function checkMember(out: Finding[], vhost: VHostModel, member: UpstreamSetMemberSpec, src: Source): void {
  if (typeof member !== 'string' && (typeof member !== 'object' || member === null)) return;
  const name = typeof member === 'string' ? member : member.upstream;
  const here = typeof member === 'string' ? src : at(src, 'upstream');
  if (typeof name === 'string' && !vhost.federationUpstreams.has(name))
    out.push(unknown(vhost, 'upstream', name, here, [...vhost.federationUpstreams.keys()]));
  if (typeof member === 'object') checkSeconds(out, member as Record<string, unknown>, src);
}

function checkSeconds(out: Finding[], spec: Record<string, unknown>, src: Source): void {
  if (spec.queueType !== undefined)
    out.push(
      finding(
        'upstream-queue-type',
        at(src, 'queueType'),
        'RabbitMQ 3.10 refuses an upstream with `queue-type` (Unrecognised terms); leave it out for brokers that old',
        { target: 'key' },
      ),
    );
  const value = spec.reconnectDelay;
  if (wholeSeconds(value) === false)
    out.push(
      finding(
        'invalid-value',
        at(src, 'reconnectDelay'),
        'RabbitMQ keeps `reconnect-delay` in whole seconds: write a whole number of seconds (e.g. 5s)',
      ),
    );
  // The link declares its upstream queue with these as x-expires and
  // x-message-ttl: a value RabbitMQ refuses there keeps the link from starting.
  for (const field of ['expires', 'messageTtl'] as const) {
    const ms = spec[field] === undefined ? undefined : toBroker(UPSTREAM_FIELD[field], spec[field]);
    const argument = QUEUE_FIELD[field].argument!;
    const problem = ms === undefined ? undefined : QUEUE_ARGUMENT.get(argument)?.check(ms, {});
    if (problem)
      out.push(
        finding(
          'invalid-value',
          at(src, field),
          `the link declares its queue with it as \`${argument}\`, which ${problem}`,
        ),
      );
  }
}

function checkPolicies(out: Finding[], vhost: VHostModel): void {
  for (const policy of vhost.policies.values()) {
    if (!policy.ok) continue;
    const definition = policy.spec.definition ?? {};
    const upstream = definition['federation-upstream'];
    if (typeof upstream === 'string' && !vhost.federationUpstreams.has(upstream))
      out.push(
        unknown(vhost, 'upstream', upstream, at(policy.src, 'definition', 'federation-upstream'), [
          ...vhost.federationUpstreams.keys(),
        ]),
      );
    const set = definition['federation-upstream-set'];
    if (typeof set === 'string' && set !== 'all' && !vhost.federationUpstreamSets.has(set))
      out.push(
        unknown(vhost, 'upstream set', set, at(policy.src, 'definition', 'federation-upstream-set'), [
          ...vhost.federationUpstreamSets.keys(),
          'all',
        ]),
      );
  }
}

function unknown(vhost: VHostModel, what: string, name: string, src: Source, known: string[]): Finding {
  const hint = closestName(name, known);
  return finding(
    'unknown-upstream',
    src,
    `federation ${what} \`${name}\` is not declared in vhost \`${vhost.name}\`${hint ? ` (did you mean \`${hint}\`?)` : ''}`,
  );
}
