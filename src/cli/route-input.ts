// What `warren route` and `warren graph --exchange` take to route a message:
// its headers from the command line, read as YAML scalars (3 is a number,
// true a boolean, "3" a string) by the reader topology files are read with,
// so that a value means what it means in a binding's `headers` (the broker
// compares them with their types); its key, at most what AMQP can carry;
// and an exchange a client can publish to in a declared vhost.
import { setOwn } from '../base/own-keys.js';
import { loadYaml, type YamlError } from '../load/read-yaml.js';
import { DEFAULT_VHOST, hasExchange, isInternal, type TopologyModel } from '../model/topology-model.js';
import type { HeaderValue } from '../route/match-headers.js';
import { UsageError } from './usage-error.js';

/** AMQP carries a routing key as a short string: at most 255 bytes (a client cannot publish a longer one). */
const MAX_KEY_BYTES = 255;

export function checkRoutingKey(key: string | undefined): void {
  const keyBytes = Buffer.byteLength(key ?? '');
  if (keyBytes > MAX_KEY_BYTES)
    throw new UsageError(
      `--key is ${keyBytes} bytes; a routing key is at most ${MAX_KEY_BYTES} (no message can carry it)`,
    );
}

/** Why a message cannot be published to `exchange` in `vhost` of the model, or undefined. */
export function routeProblem(model: TopologyModel, vhostName: string, exchange: string): string | undefined {
  const vhost = model.vhosts.get(vhostName);
  if (!vhost)
    return `vhost \`${vhostName}\` is not declared${vhostName === DEFAULT_VHOST ? ' (declare it to route in it)' : ''}`;
  if (exchange !== '' && !hasExchange(vhost, exchange))
    return `exchange \`${exchange}\` is not declared in vhost \`${vhostName}\``;
  if (isInternal(vhost, exchange)) return `exchange \`${exchange}\` is internal: clients cannot publish to it`;
  return undefined;
}

export function parseHeaders(pairs: string[]): Record<string, HeaderValue> {
  const out: Record<string, HeaderValue> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--header takes name=value, got \`${pair}\``);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      const warnings: YamlError[] = [];
      value = loadYaml(raw, warnings);
      // What js-yaml reads only with a warning is not read as YAML here either.
      if (warnings.length > 0) value = raw;
    } catch {
      // Not a YAML scalar: the text itself.
    }
    // A header may be named `__proto__` like any other (base/own-keys.ts).
    setOwn(
      out,
      pair.slice(0, at),
      typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : raw,
    );
  }
  return out;
}
