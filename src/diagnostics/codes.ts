// The closed list of diagnostic codes. Tests assert codes and positions, never
// wording; docs/format.md lists every code (test/docs.test.ts keeps the two in step).
export type Severity = 'error' | 'warning';

interface CodeInfo {
  readonly severity: Severity;
  readonly summary: string;
}

export const CODES = {
  // Files and YAML
  'file-unreadable': { severity: 'error', summary: 'The file cannot be read.' },
  'file-too-large': {
    severity: 'error',
    summary: 'The file exceeds the size limit (WARREN_MAX_FILE_BYTES, default 64 MiB).',
  },
  'file-encoding': { severity: 'error', summary: 'The file is not valid UTF-8.' },
  'file-empty': { severity: 'error', summary: 'The file has no YAML document.' },
  'yaml-syntax': {
    severity: 'error',
    summary:
      'The YAML does not parse (includes tabs as indentation, bad indentation, several documents in one file, an unknown tag, an alias that names no anchor).',
  },
  'yaml-unsupported': {
    severity: 'error',
    summary:
      'YAML that other versions and parsers read otherwise, refused rather than guessed: a `%YAML` directive other than 1.2, an unknown directive, a merge key `<<` (quote it for a name), a number YAML 1.2 reads as a string (`0b11`, `-0x1F`), and what js-yaml misreads (see "How warren reads YAML").',
  },
  'yaml-alias-limit': {
    severity: 'error',
    summary:
      'Aliases would add more than 1,000,000 values to the data (an alias bomb), nest it more than 100 levels deep, or name a node that contains them.',
  },
  'duplicate-key': { severity: 'error', summary: 'A mapping has the same key twice; reported at both places.' },
  // Schema
  'unsupported-version': { severity: 'error', summary: 'The file lacks `version: 1`.' },
  'unknown-field': { severity: 'error', summary: 'A field the format does not have (typos are suggested a fix).' },
  'missing-field': { severity: 'error', summary: 'A required field is missing.' },
  'wrong-type': {
    severity: 'error',
    summary:
      'A value has the wrong type (e.g. a list where a mapping belongs), or a key YAML reads as a number, null or a collection (`1e3`, `0x10`, `~`, `? {a: b}`): quote it.',
  },
  'invalid-value': { severity: 'error', summary: 'A value outside the allowed set or range.' },
  'invalid-duration': {
    severity: 'error',
    summary: 'A duration that is not whole milliseconds or a number with ms, s, m, h, d.',
  },
  'invalid-size': {
    severity: 'error',
    summary: 'A size that is not whole bytes or a number with B, KB, MB, GB, KiB, MiB, GiB.',
  },
  'clear-text-password': {
    severity: 'error',
    summary:
      'A password written in clear text, in a user or in the userinfo of an upstream or shovel URI; use `{ secret: KEY }`, `{ hash, algorithm }` or `{ uri, password: { secret: KEY } }`.',
  },
  'exclusive-queue': { severity: 'error', summary: 'Exclusive queues belong to applications, not to a topology.' },
  // Merging files
  'duplicate-object': {
    severity: 'error',
    summary: 'The same object (vhost + kind + name) or vhost setting is declared twice; reported at both places.',
  },
  // References
  'unknown-vhost': {
    severity: 'error',
    summary:
      "A permission, or a stack's override, names a vhost the topology does not declare (an override cannot add a vhost); `warren import --vhost` names one the export does not hold.",
  },
  'override-removes-nothing': {
    severity: 'error',
    summary:
      "A stack's override removes (`null`) a vhost, user or object the topology does not declare: a misspelt name would leave the one meant in place.",
  },
  'override-near-name': {
    severity: 'warning',
    summary:
      "A stack's override adds an object or user whose name is a typo (up to two edits, case ignored, not only digits) of one the topology declares: it was likely meant to change that one. Other additions (a queue only staging has) are allowed silently.",
  },
  'unknown-exchange': {
    severity: 'error',
    summary:
      'A binding, dead-letter setting, alternate exchange, topic permission, or a shovel or upstream with a URI of this broker names an undeclared exchange.',
  },
  'replaces-invalid': {
    severity: 'error',
    summary:
      "A queue's `replaces:` names no queue (empty), the queue itself, a queue the topology still declares, a reserved name, or a queue another queue replaces already.",
  },
  'unknown-queue': {
    severity: 'error',
    summary: 'A binding, or a shovel or upstream with a URI of this broker (no host), names an undeclared queue.',
  },
  'unknown-upstream': {
    severity: 'error',
    summary:
      'An upstream set, or a policy key `federation-upstream` / `federation-upstream-set`, names an upstream or set the vhost does not declare.',
  },
  // Federation upstreams, shovels, super streams
  'invalid-uri': {
    severity: 'error',
    summary:
      'An upstream or shovel URI that is not an AMQP URI (scheme amqp or amqps, host, port, one vhost in its path).',
  },
  'uri-form': {
    severity: 'error',
    summary:
      'A URI object that is neither `{ secret }` nor `{ uri, password: { secret } }` (whose `uri` needs a user and no password).',
  },
  'field-choice': {
    severity: 'error',
    summary:
      'Exactly one of two fields is needed: `uri` or `uris` (upstream), `queue` or `exchange` (shovel source; at most one at the destination), `partitions` or `routingKeys` (super stream).',
  },
  'upstream-queue-type': {
    severity: 'warning',
    summary:
      '`queueType` on a federation upstream or set member: RabbitMQ 3.10 refuses the whole upstream (`Unrecognised terms`); only later versions know the key.',
  },
  'shovel-conflict': {
    severity: 'error',
    summary:
      'Shovel settings RabbitMQ refuses or ignores together: `ackMode: no-ack` with a numeric `srcDeleteAfter`, a `key` at an end without an exchange.',
  },
  'super-stream-conflict': {
    severity: 'error',
    summary:
      "A super stream's exchange or partition streams have the name of a declared exchange or queue, or of another super stream's; reported at both places.",
  },
  // Names and keys
  'invalid-name': {
    severity: 'error',
    summary:
      'A name that is empty, longer than 255 bytes in UTF-8, or holds a lone UTF-16 surrogate; an exchange or queue name holding a line break (RabbitMQ strips CR and LF from them).',
  },
  'reserved-name': {
    severity: 'error',
    summary:
      "A name under a prefix the broker or warren keep for their own objects: `amq.` (exchanges, queues, super streams; the broker), `warren.queue.` (policies and operator policies; the settings policy warren writes for each queue); or a secret (a password's, a URI's) that names one of warren's own stack settings (`kubeconfig`, `warren:topology`, …; `managementPassword` may be named).",
  },
  'unaddressable-name': {
    severity: 'error',
    summary:
      "A name `.` or `..` (of a vhost, object or user, or the key of a binding without arguments, by which the binding is deleted): RabbitMQ's management API removes such path segments however they are encoded, so warren could not read, change or delete the object.",
  },
  'key-too-long': { severity: 'error', summary: 'A routing or binding key longer than 255 bytes.' },
  // Bindings
  'binding-destination': { severity: 'error', summary: 'A binding needs exactly one of `to` and `toExchange`.' },
  'default-exchange-binding': { severity: 'error', summary: 'The default exchange `""` cannot be bound.' },
  'headers-mismatch': {
    severity: 'error',
    summary: '`match`/`headers` on a binding whose exchange is not a headers exchange.',
  },
  'key-ignored': {
    severity: 'warning',
    summary: 'A routing key on a fanout or headers exchange binding, where it has no effect.',
  },
  // Exchanges
  'delayed-type-required': { severity: 'error', summary: 'An x-delayed-message exchange without `delayedType`.' },
  'delayed-type-unexpected': {
    severity: 'warning',
    summary: '`delayedType` on an exchange that is not x-delayed-message.',
  },
  'unknown-exchange-type': {
    severity: 'error',
    summary:
      'An exchange type that is neither built in (direct, fanout, topic, headers) nor a plugin type (`x-…`): RabbitMQ refuses it.',
  },
  // Queues
  'queue-type-unsupported': {
    severity: 'error',
    summary:
      'A setting the queue type does not support (e.g. maxPriority on quorum, deliveryLimit on classic, TTL on streams).',
  },
  'dead-letter-strategy': {
    severity: 'warning',
    summary: 'at-least-once dead-lettering without `overflow: reject-publish` falls back to at-most-once.',
  },
  'argument-conflict': {
    severity: 'error',
    summary:
      "A raw argument sets what a typed field of the same object sets (a queue or exchange field, a binding's `match` or `headers`): the field would silently win.",
  },
  'argument-combination': {
    severity: 'error',
    summary:
      'Raw arguments RabbitMQ refuses in this combination: a dead-letter routing key argument without a dead-letter exchange argument (queues), `hash-header` with `hash-property` (x-consistent-hash exchanges).',
  },
  'prefer-field': {
    severity: 'warning',
    summary:
      'A raw x-argument that has a typed field; as an argument it can never change without re-creating the queue.',
  },
  'vhost-limit-exceeded': {
    severity: 'warning',
    summary:
      'A vhost declares more queues (super stream partitions included) than its `maxQueues`: RabbitMQ declares no queue beyond it, so applying fails where those queues do not exist yet.',
  },
  // Users
  'password-form': {
    severity: 'error',
    summary: 'A password must be exactly one of `{ secret }` or `{ hash, algorithm }`.',
  },
  'invalid-password-hash': {
    severity: 'error',
    summary: 'A password hash that is not base64 of a 4-byte salt plus a digest of the algorithm.',
  },
  // Regular expressions
  'invalid-regex': {
    severity: 'error',
    summary:
      'A permission or policy pattern that does not compile, in JavaScript or in PCRE (`[^]`, `\\u0041`, `[a-\\d]`).',
  },
  'regex-dialect': {
    severity: 'warning',
    summary:
      "A permission or policy pattern warren does not read as Erlang's PCRE does (back-reference, atomic group, possessive quantifier, …): only the broker can check or apply it, and warren says where that leaves an answer unknown.",
  },
  // Policies
  'policy-key-mismatch': {
    severity: 'error',
    summary: 'A policy definition key that does not apply to the objects the policy targets (`applyTo`).',
  },
  'policy-unknown-key': {
    severity: 'error',
    summary:
      'A policy definition key neither RabbitMQ nor its shipped plugins know: RabbitMQ refuses the policy ("not recognised policy settings").',
  },
  'policy-removed-key': {
    severity: 'warning',
    summary:
      'A policy key RabbitMQ 4 refuses: classic queue mirroring (`ha-*`) was removed; the queues it mirrors move to quorum queues by a migration (`warren:allow.migrate`).',
  },
  'needs-newer-rabbitmq': {
    severity: 'warning',
    summary:
      'A policy key, an operator policy key or an `applyTo` value that RabbitMQ 3.10 refuses: it came in a later version (named in the message).',
  },
  'policy-value': {
    severity: 'error',
    summary: 'A policy definition value of the wrong type or range, or an empty definition.',
  },
  'policy-key-conflict': {
    severity: 'error',
    summary:
      'Policy keys RabbitMQ refuses together or alone: two of `federation-upstream`, `-set`, `-pattern`; an `ha-*` setting without `ha-mode`, or `ha-params` that does not fit it; `routing-key` without `shards-per-node`.',
  },
  'policy-ambiguous': {
    severity: 'error',
    summary:
      'Two policies of equal priority may both apply to the same declared object (they match it, and its type takes all their keys); only one ever applies.',
  },
  'operator-policy-key': { severity: 'error', summary: 'A key operator policies do not accept.' },
  'policy-inapplicable': {
    severity: 'warning',
    summary:
      'A policy whose definition holds, for every queue type it targets, a key that type refuses (`message-ttl` with `max-age`): RabbitMQ applies it to nothing.',
  },
  'settings-policy-unknown': {
    severity: 'error',
    summary:
      "A queue with changeable settings where warren cannot tell which user policy applies (a pattern it does not evaluate, equal priorities, a key whose effect depends on RabbitMQ's version), or whether its own settings policy applies (`leaderLocator` on a classic queue): it cannot write the queue's settings policy.",
  },
  // Dead-letter graph
  'dead-letter-unroutable': {
    severity: 'error',
    summary: 'A dead-letter exchange routes the dead-letter key to no queue: dead letters would be dropped.',
  },
  'dead-letter-cycle': {
    severity: 'error',
    summary: 'Queues dead-letter into each other by expiry with no consumer exit; RabbitMQ drops such messages.',
  },
  // warren import
  'definitions-shape': {
    severity: 'error',
    summary:
      '`warren import`: the document is not a RabbitMQ definitions export at this place (e.g. a queue without `name`).',
  },
  'import-skipped': {
    severity: 'warning',
    summary:
      '`warren import`: an object a topology does not hold was left out (server-named queues, parameters of other plugins, AMQP 1.0 shovels, upstream or shovel values warren cannot read, MD5 password hashes, objects of a vhost the export does not list, all but the last of duplicate definitions).',
  },
  'import-secret': {
    severity: 'warning',
    summary:
      '`warren import`: an upstream or shovel URI held a password (or was an export placeholder); it now names a stack secret, which must be set (`pulumi config set --secret warren:KEY`).',
  },
  // Cluster (warren:cluster, RabbitMQ on Kubernetes)
  'invalid-quantity': {
    severity: 'error',
    summary:
      'A Kubernetes quantity (cpu, memory, storage size) that does not parse or is not positive (e.g. `1GB` for `1G`/`1Gi`).',
  },
  'cluster-request-over-limit': {
    severity: 'error',
    summary: 'A cpu or memory request above its limit; Kubernetes rejects such pods.',
  },
  'cluster-replicas': {
    severity: 'error',
    summary:
      '`production: true` with an even number of replicas or fewer than 3: a majority must survive the loss of a node.',
  },
  'cluster-even-replicas': {
    severity: 'warning',
    summary: 'An even number of replicas with quorum queues: it tolerates no more failures than one replica fewer.',
  },
  'cluster-pdb': {
    severity: 'error',
    summary: '`pdb.maxUnavailable` lets node drains stop every node (or, in production, a majority).',
  },
  'cluster-soft-anti-affinity': {
    severity: 'warning',
    summary: 'Production with `antiAffinity: preferred`: two nodes may share a Kubernetes host.',
  },
  'cluster-image-unpinned': {
    severity: 'warning',
    summary:
      'An image without a minor version or digest (`latest`, `4-management`): a pod restart can upgrade RabbitMQ unplanned.',
  },
  'cluster-disk-free-limit': {
    severity: 'error',
    summary: '`diskFreeLimit` is not below the volume size: the disk alarm would block publishers from the start.',
  },
  'cluster-plaintext-exposed': {
    severity: 'warning',
    summary:
      'Production with plaintext AMQP/management ports behind a LoadBalancer or NodePort Service (no `tls`, or `tls.plaintext: true`).',
  },
  'cluster-guest-admin': {
    severity: 'error',
    summary:
      "`warren:cluster` with the stack's admin credentials for `guest`: RabbitMQ lets guest log in from the node itself only (`loopback_users`), so the cluster's management API would refuse warren.",
  },
  'cluster-blue-green': {
    severity: 'error',
    summary:
      'A blue/green setting that cannot work: `blue`, `active: green` or `retireInactive` without a `green` cluster, node ports given twice among the client Service and the two clusters, or a green cluster without plaintext AMQP (the drains reach it inside Kubernetes).',
  },
  'cluster-version-change': {
    severity: 'warning',
    summary:
      'A blue/green pair whose sides stand either side of RabbitMQ 4.0 while the topology has quorum queues without `deliveryLimit`: 4.0 gives them a limit of 20 deliveries, earlier versions none.',
  },
  'cluster-config-conflict': {
    severity: 'error',
    summary:
      'An `extraConfig` line that is not `key = value`, or that sets a key warren writes (peer discovery, listeners, `disk_free_limit.*`).',
  },
  // warren drift: what the live broker holds otherwise than the topology (docs/drift.md)
  'drift-missing': { severity: 'warning', summary: '`warren drift`: declared, not on the broker.' },
  'drift-changed': {
    severity: 'warning',
    summary:
      '`warren drift`: on the broker with other values than declared (the fields named; never a password or hash).',
  },
  'drift-unmanaged': {
    severity: 'warning',
    summary: '`warren drift`: on the broker, in a declared vhost (or anywhere, with `--scope broker`), not declared.',
  },
  'drift-overridden': {
    severity: 'warning',
    summary:
      '`warren drift`: the broker applies to a declared queue a policy or operator policy the topology does not declare.',
  },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

export const ALL_CODES = Object.keys(CODES) as Code[];
