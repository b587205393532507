// A queue's part of the format (and its deadLetter's), made by a function of
// the describer that gives each field its description: the descriptions come
// from the queue-field table (queue-fields.ts), which is itself typed by
// QueueSpec — so the type is taken here, from the shape, and the table never
// depends on the schema that reads it (topology-schema.ts calls this with
// describeQueueField).
import { type Static, Type } from '@sinclair/typebox';
import {
  DEAD_LETTER_STRATEGIES,
  LEADER_LOCATORS,
  MAX_DELIVERY_LIMIT,
  OVERFLOW_MODES,
  QUEUE_TYPES,
} from './format-constants.js';
import { Arguments, Closed, Duration, Size, StringEnum } from './schema-parts.js';

/** The queue and deadLetter schemas, each field described by `about(name)` (a name as the contract's table writes it). */
export function queueSpecs(about: (field: string) => string) {
  const described = (field: string) => ({ description: about(field) });
  const DeadLetterSpec = Type.Object(
    {
      exchange: Type.String(described('deadLetter.exchange')),
      routingKey: Type.Optional(Type.String(described('deadLetter.routingKey'))),
      strategy: Type.Optional(StringEnum(DEAD_LETTER_STRATEGIES, about('deadLetter.strategy'))),
    },
    { ...Closed, description: 'Where the broker republishes messages that are rejected, expire or overflow' },
  );

  const QueueSpec = Type.Object(
    {
      type: Type.Optional(StringEnum(QUEUE_TYPES, about('type'))),
      durable: Type.Optional(Type.Boolean({ default: true, ...described('durable') })),
      autoDelete: Type.Optional(Type.Boolean({ default: false, ...described('autoDelete') })),
      messageTtl: Type.Optional(Duration(about('messageTtl'))),
      expires: Type.Optional(Duration(about('expires'))),
      maxLength: Type.Optional(
        Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, ...described('maxLength') }),
      ),
      maxLengthBytes: Type.Optional(Size(about('maxLengthBytes'))),
      overflow: Type.Optional(StringEnum(OVERFLOW_MODES, about('overflow'))),
      deadLetter: Type.Optional(DeadLetterSpec),
      // Delivery counts travel as a 32-bit signed AMQP integer (x-delivery-count).
      deliveryLimit: Type.Optional(
        Type.Integer({ minimum: 0, maximum: MAX_DELIVERY_LIMIT, ...described('deliveryLimit') }),
      ),
      maxPriority: Type.Optional(Type.Integer({ minimum: 1, maximum: 255, ...described('maxPriority') })),
      singleActiveConsumer: Type.Optional(Type.Boolean({ default: false, ...described('singleActiveConsumer') })),
      leaderLocator: Type.Optional(StringEnum(LEADER_LOCATORS, about('leaderLocator'))),
      maxAge: Type.Optional(Duration(about('maxAge'))),
      arguments: Type.Optional(Arguments),
      // Format 1.2: not a queue field of the broker's, a move (docs/pulumi.md, "Migrating queues").
      replaces: Type.Optional(
        Type.String({
          description:
            'A queue of the same vhost this one takes the place of (format 1.2): it takes its bindings, its messages are moved here, and it is deleted once empty and without consumers',
        }),
      ),
    },
    Closed,
  );
  return { DeadLetterSpec, QueueSpec };
}

export type QueueSpec = Static<ReturnType<typeof queueSpecs>['QueueSpec']>;
export type DeadLetterSpec = Static<ReturnType<typeof queueSpecs>['DeadLetterSpec']>;
