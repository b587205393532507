// A runtime parameter of a vhost: a federation upstream, an upstream set or a
// dynamic shovel (`/api/parameters/{component}/{vhost}/{name}`). Why not
// @pulumi/rabbitmq's FederationUpstream and Shovel: they take one URI only
// (RabbitMQ takes a list, tried in turn), have no `queue-type`, and there is
// no upstream set at all (docs/pulumi.md, "Where @pulumi/rabbitmq falls short").
//
// The URIs may hold credentials, so they are an input of their own, `uris`,
// a secret (resolved from the stack's secrets inside an apply) and a secret
// output; `value` holds every other key, in clear. What is written is one
// value, both merged; what is read back is split again, so `refresh` shows
// drift per key (and the URIs only as `[secret]`). No error carries a URI:
// RabbitMQ's own answer to a bad one quotes it, password and all.
import * as pulumi from '@pulumi/pulumi';
import { canonical } from '../../model/binding-identity.js';
import type { JsonMap, JsonValue } from '../../plan/plan-types.js';
import { callApi, connectionChanged, readOne, seg, type Connection } from './management-api.js';
import { plainError } from './plain-error.js';
import { putProvider } from './put-provider.js';
import { DynamicResource, defineProvider } from './dynamic-resource.js';

/** URI fields by value: one URI or a list, as RabbitMQ stores them. */
export type ResolvedUris = Record<string, string | string[]>;

export interface RuntimeParameterInputs {
  readonly connection: pulumi.Input<Connection>;
  readonly component: string;
  readonly vhost: pulumi.Input<string>;
  readonly name: string;
  /** The value without its URI fields: an object, or a list (an upstream set's). */
  readonly value: JsonMap | readonly JsonMap[];
  /** The URI fields, resolved: give a secret. */
  readonly uris: pulumi.Input<ResolvedUris>;
}

export interface RuntimeParameterState {
  connection: Connection;
  component: string;
  vhost: string;
  name: string;
  value: JsonMap | JsonMap[];
  uris: ResolvedUris;
}

/** The keys RabbitMQ's federation and shovel plugins read URIs from. */
const URI_FIELDS: readonly string[] = ['uri', 'src-uri', 'dest-uri'];

function path(s: RuntimeParameterState): string {
  return `/parameters/${seg(s.component)}/${seg(s.vhost)}/${seg(s.name)}`;
}

/** The value RabbitMQ stores: `value` with the URI fields put in (a list, an upstream set's, has none). */
export function merged(s: Pick<RuntimeParameterState, 'value' | 'uris'>): JsonValue {
  return Array.isArray(s.value) ? s.value : { ...s.value, ...s.uris };
}

/**
 * A value read from the broker, split as the state holds it: the URI fields
 * (those the state has, and any other the plugins read) apart from the rest.
 */
export function split(live: unknown, known: ResolvedUris): { value: JsonMap | JsonMap[]; uris: ResolvedUris } {
  if (Array.isArray(live)) return { value: live as JsonMap[], uris: {} };
  const value: JsonMap = {};
  const uris: ResolvedUris = {};
  for (const [key, v] of Object.entries((live ?? {}) as JsonMap)) {
    if ((key in known || URI_FIELDS.includes(key)) && (typeof v === 'string' || isStringList(v)))
      uris[key] = v as string;
    else value[key] = v;
  }
  return { value, uris };
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/**
 * An error message with nothing of the URIs in it. RabbitMQ quotes a URI it
 * refuses (and may break it over lines, or escape it for HTML): when the
 * message holds any URI, or any URI's password, in any of those forms, the
 * broker's answer is left out altogether.
 */
export function withoutUris(message: string, uris: ResolvedUris): string {
  const fragments = Object.values(uris)
    .flatMap((u) => (Array.isArray(u) ? u : [u]))
    .flatMap((u) => [u, ...passwordOf(u)])
    .flatMap((f) => [f, safeDecode(f), encodeURIComponent(f)])
    .map(squeeze)
    .filter((f) => f !== '');
  // The answer is JSON text: its line breaks are written `\n`.
  const text = squeeze(unescapeHtml(message).replace(/\\[nrt]/g, ' '));
  // Erlang prints a string it finds unprintable as a list of character codes.
  const codes = /\[\s*\d+(\s*,\s*\d+){3,}/.test(message);
  if (!codes && !fragments.some((f) => text.includes(f))) return message;
  const answered = /^(.*? answered \d+)/.exec(message)?.[1];
  return `${answered ?? 'RabbitMQ management API: the request failed'}: the broker's answer is not shown, as it quotes a URI (URIs may hold credentials); check the parameter's URIs`;
}

/** The password part of a URI's userinfo, as written (percent-encoded), if it has one. */
function passwordOf(uri: string): string[] {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri)?.[1] ?? '';
  const at = authority.lastIndexOf('@');
  if (at < 0) return [];
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  return colon < 0 ? [] : [userinfo.slice(colon + 1)];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Without white space and quotes: how a string Erlang broke over lines (`"ab"\n  "cd"`) reads whole. */
function squeeze(s: string): string {
  return s.replace(/[\s"\\]/g, '');
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

async function put(s: RuntimeParameterState): Promise<void> {
  try {
    await callApi(s.connection, 'PUT', path(s), { value: merged(s) });
  } catch (error) {
    throw plainError(withoutUris((error as Error).message, s.uris));
  }
}

const provider = defineProvider(
  'RuntimeParameter',
  putProvider<RuntimeParameterState>({
    id: (s) => `${s.component}/${s.vhost}/${s.name}`,
    put,
    async diff(_id, olds: RuntimeParameterState, news: RuntimeParameterState) {
      const moved = (['component', 'vhost', 'name'] as const).filter((k) => olds[k] !== news[k]);
      const changed = (['value', 'uris'] as const).some((k) => canonical(olds[k]) !== canonical(news[k]));
      return {
        changes: changed || moved.length > 0 || connectionChanged(olds, news),
        replaces: moved,
        deleteBeforeReplace: true,
      };
    },
    async read(id, props: RuntimeParameterState) {
      const live = await readOne(props.connection, path(props), {
        component: props.component,
        vhost: props.vhost,
        name: props.name,
      });
      // Deleted by hand: gone from the state, so the next `up` creates it again.
      if (!live) return { id: '', props: {} };
      return { id, props: { ...props, ...split(live.value, props.uris ?? {}) } };
    },
    async delete(_id, props: RuntimeParameterState) {
      await callApi(props.connection, 'DELETE', path(props)); // 404: already gone
    },
  }),
);

export class RuntimeParameter extends DynamicResource {
  constructor(name: string, args: RuntimeParameterInputs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, uris: pulumi.secret(args.uris) },
      { ...opts, additionalSecretOutputs: ['connection', 'uris'] },
    );
  }
}

/** The provider itself, for the unit tests of its diff, read and errors. */
export const runtimeParameterProvider = provider;
