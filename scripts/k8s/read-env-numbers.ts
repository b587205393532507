// The environment's numbers: node and volume counts, and the first port each
// component's search starts from. All are checked before anything runs, so a
// bad value stops the command with exit 2 and nothing started. Ports leave room
// for pickPort's 50 tries below 65536.
import { EXIT_USAGE, fail } from './log.js';
import { PORT_TRIES } from './pick-port.js';

interface EnvNumber {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
}

const PORT_MAX = 65535 - PORT_TRIES;
const port = (fallback: number): EnvNumber => ({ min: 1, max: PORT_MAX, fallback });

export const ENV_NUMBERS = {
  K8S_FAKE_NODES: { min: 0, max: 100, fallback: 3 },
  // Enough for the tests' 5 replicas and a spare; each is a directory, sized only on paper.
  K8S_VOLUMES: { min: 0, max: 1000, fallback: 10 },
  K8S_ETCD_PORT: port(23791),
  K8S_ETCD_PEER_PORT: port(23891),
  K8S_APISERVER_PORT: port(64431),
  K8S_KCM_PORT: port(64441),
  K8S_SCHEDULER_PORT: port(64451),
  K8S_KUBELET_PORT: port(10250),
  K8S_KUBELET_HEALTHZ_PORT: port(10248),
  K8S_PROXY_HEALTHZ_PORT: port(10256),
  K8S_PROXY_METRICS_PORT: port(10249),
} as const satisfies Record<string, EnvNumber>;

export type EnvNumberName = keyof typeof ENV_NUMBERS;
export type EnvNumbers = Record<EnvNumberName, number>;

/** What the env numbers do not cover: the size each real-pods volume claims (a Kubernetes quantity). */
export interface Settings {
  readonly numbers: EnvNumbers;
  readonly volumeSize: string;
}

// Digits only, no leading zero (08080 is not 8080 to every reader), at most 6 digits before the range check.
const WHOLE = /^(0|[1-9][0-9]{0,5})$/;
// A binary or decimal quantity, as a PersistentVolume's capacity takes it.
const QUANTITY = /^[1-9][0-9]{0,8}(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** The numbers, defaults for the unset or empty ones; the first bad value stops with exit 2. */
export function readEnvNumbers(env: NodeJS.ProcessEnv): EnvNumbers {
  const out = {} as EnvNumbers;
  for (const [name, spec] of Object.entries(ENV_NUMBERS) as [EnvNumberName, EnvNumber][]) {
    const text = env[name];
    if (text === undefined || text === '') {
      out[name] = spec.fallback;
      continue;
    }
    const value = WHOLE.test(text) ? Number(text) : Number.NaN;
    if (!(value >= spec.min && value <= spec.max))
      fail(`${name} must be a whole number from ${spec.min} to ${spec.max}, not ${JSON.stringify(text)}`, EXIT_USAGE);
    out[name] = value;
  }
  return out;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const numbers = readEnvNumbers(env);
  const volumeSize = env.K8S_VOLUME_SIZE || '10Gi';
  if (!QUANTITY.test(volumeSize))
    fail(
      `K8S_VOLUME_SIZE must be a whole quantity such as 10Gi or 500Mi, not ${JSON.stringify(volumeSize)}`,
      EXIT_USAGE,
    );
  return { numbers, volumeSize };
}
