// A queue field's description as the JSON Schema gives it to editors: the
// table's meaning, the bounds of a duration, the queue types that apply it
// and whether it changes on a live queue, all from format/queue-fields.ts.
import { QUEUE_TYPES, type QueueType } from './format-constants.js';
import { MAX_EXPIRY_MS, QUEUE_FIELD, type QueueFieldFacts, type QueueFieldName, type Unit } from './queue-fields.js';

/**
 * By name as a string: the schema calls it while QueueSpec's type is being
 * made, and a parameter typed by the table's keys would depend on that type.
 */
export function describeQueueField(name: string): string {
  const facts = QUEUE_FIELD[name as QueueFieldName] as QueueFieldFacts | undefined;
  if (!facts) throw new Error(`no queue field ${name} in format/queue-fields.ts`);
  const change = facts.immutable
    ? 'fixed once the queue is declared'
    : `changeable on a live queue (policy key ${facts.policyKey})`;
  return `${facts.description}${boundsText(facts.unit)}. ${typesText(facts.types)}; ${change}.`;
}

function boundsText(unit: Unit | undefined): string {
  if (unit?.kind !== 'duration') return '';
  const least = unit.min > 0 ? `at least ${unit.min}ms, ` : '';
  return unit.within === 'seconds'
    ? ` (${least}in whole seconds)`
    : ` (${least}at most ${MAX_EXPIRY_MS}ms, ten years: RabbitMQ's expiry limit)`;
}

function typesText(types: readonly QueueType[]): string {
  if (types.length === QUEUE_TYPES.length) return 'Every queue type';
  const queues = types.filter((t) => t !== 'stream');
  const parts = [
    ...(queues.length > 0 ? [`${queues.join(' and ')} queues`] : []),
    ...(types.includes('stream') ? ['streams'] : []),
  ];
  const words = parts.join(' and ');
  return words[0]!.toUpperCase() + words.slice(1);
}
