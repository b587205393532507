// The stack settings warren's program reads (`warren:<name>` in a Pulumi stack
// file), and how Pulumi hands each over: a scalar as its text (`true`, a URL),
// a mapping or a list as JSON, a secret decrypted only in the program. The one
// list of them: the config schema (stack-config-schema.ts) has one entry per
// setting (the compiler holds it to that), the program reads them through it
// (src/pulumi/read-stack-config.ts), `warren validate --stack` checks them,
// and a user's secret may not take one's name (model/reserved-names.ts).
export const STACK_SETTINGS = {
  topology: 'json',
  overrides: 'json',
  allow: 'json',
  protectQueues: 'boolean',
  granularity: 'text',
  adopt: 'boolean',
  managementUrl: 'text',
  managementUser: 'text',
  managementPassword: 'secret',
  managementTls: 'json',
  cluster: 'json',
  kubeconfig: 'secret',
  syncTopology: 'boolean',
} as const;

export type StackSetting = keyof typeof STACK_SETTINGS;

/** Where the settings stand in a Pulumi stack file: `config:` with the namespace `warren`. */
export const CONFIG_POINTER = '/config';
export const NAMESPACE = 'warren';
