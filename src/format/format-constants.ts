// Constants of the format that the runtime needs without loading the typed
// schema (and TypeBox with it): enumerations and the unit patterns.
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$';
export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)?(B|KB|MB|GB|KiB|MiB|GiB)$';
/**
 * A user or vhost tag: 1 to 255 characters (code points: the schema's regular
 * expressions are Unicode), no comma, no whitespace at either end. The length
 * is in the pattern: `maxLength` would load ajv's runtime into every command.
 */
export const TAG_PATTERN = '^(?=[\\s\\S]{1,255}$)[^,\\s](?:[^,]*[^,\\s])?$';

export const QUEUE_TYPES = ['classic', 'quorum', 'stream'] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];
/**
 * warren's bound on a delivery limit: quorum queues count deliveries in the
 * x-delivery-count header, a 32-bit signed AMQP integer (RabbitMQ itself
 * checks no bound).
 */
export const MAX_DELIVERY_LIMIT = 2_147_483_647;
export const DELAYED_TYPES = ['direct', 'fanout', 'topic', 'headers'] as const;
export const MATCH_MODES = ['all', 'any', 'all-with-x', 'any-with-x'] as const;
export const POLICY_TARGETS = ['queues', 'classic_queues', 'quorum_queues', 'streams', 'exchanges', 'all'] as const;
export const OPERATOR_POLICY_TARGETS = ['queues', 'classic_queues', 'quorum_queues', 'streams'] as const;
export const OVERFLOW_MODES = ['drop-head', 'reject-publish', 'reject-publish-dlx'] as const;
export const DEAD_LETTER_STRATEGIES = ['at-most-once', 'at-least-once'] as const;
export const LEADER_LOCATORS = ['client-local', 'balanced'] as const;
