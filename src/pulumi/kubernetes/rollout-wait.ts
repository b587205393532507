// Waits until a StatefulSet has really rolled out: the controller has seen
// the latest spec (status.observedGeneration), every replica runs the new
// revision and is ready. @pulumi/kubernetes 4.25 can report an update done
// from a status the controller has not refreshed yet (the race that its PR
// #4094 closes in a later release, which the module proxy does not serve), so
// `pulumi up` could return, and the topology and the post-roll maintenance
// could run, in the middle of a roll. This resource, after the StatefulSet
// and before everything that connects to the nodes, asks the API itself.
import type * as pulumi from '@pulumi/pulumi';
import { httpRequest } from '../../broker/tls-request.js';
import { failureReason } from '../dynamic/management-api.js';
import { plainError } from '../dynamic/plain-error.js';
import type { KubeAccess } from './kube-access.js';
import { DynamicResource, defineProvider } from '../dynamic/dynamic-resource.js';

/** Each request's deadline. */
const REQUEST_MS = 30_000;

export interface RolloutWaitInputs {
  /** Undefined: the kubeconfig's credentials come from a helper program; nothing is waited for. */
  readonly access: pulumi.Input<KubeAccess | undefined>;
  readonly namespace: string;
  readonly name: string;
  /** Changes with the StatefulSet's spec: a new one is waited for. */
  readonly revision: pulumi.Input<string>;
  readonly timeoutMinutes: number;
}

interface State {
  access?: KubeAccess;
  namespace: string;
  name: string;
  revision: string;
  timeoutMinutes: number;
}

interface Status {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

/** GET of one API path with the kubeconfig's credentials; the server URL may carry a path prefix (a proxy's). */
function get(access: KubeAccess, path: string): Promise<{ status: number; text: string }> {
  const headers = { accept: 'application/json', ...(access.token ? { authorization: `Bearer ${access.token}` } : {}) };
  return httpRequest(access.server.replace(/\/+$/, '') + path, access, {
    method: 'GET',
    headers,
    timeoutMs: REQUEST_MS,
  });
}

/** What is still missing, or undefined when the roll is complete. */
function missing(s: Status): string | undefined {
  const want = s.spec?.replicas ?? 1;
  const st = s.status ?? {};
  if ((st.observedGeneration ?? 0) < (s.metadata?.generation ?? 0))
    return 'the StatefulSet controller has not seen the new spec yet';
  if ((st.updatedReplicas ?? 0) < want) return `${st.updatedReplicas ?? 0}/${want} pods run the new revision`;
  if ((st.readyReplicas ?? 0) < want) return `${st.readyReplicas ?? 0}/${want} pods are ready`;
  if ((st.replicas ?? 0) !== want) return `${st.replicas ?? 0} pods exist, ${want} wanted`;
  if (st.currentRevision !== st.updateRevision) return 'the current revision is not the update revision yet';
  return undefined;
}

async function awaitRollout(s: State): Promise<void> {
  if (!s.access) return;
  const path = `/apis/apps/v1/namespaces/${encodeURIComponent(s.namespace)}/statefulsets/${encodeURIComponent(s.name)}`;
  const end = Date.now() + s.timeoutMinutes * 60_000;
  let last = 'no answer yet';
  for (;;) {
    try {
      const answer = await get(s.access, path);
      if (answer.status === 200) {
        const waiting = missing(JSON.parse(answer.text) as Status);
        if (waiting === undefined) return;
        last = waiting;
      } else {
        last = `the Kubernetes API answered ${answer.status}`;
      }
    } catch (e) {
      last = `the Kubernetes API did not answer (${failureReason(e, REQUEST_MS)})`;
    }
    if (Date.now() > end) {
      throw plainError(
        `StatefulSet ${s.namespace}/${s.name} did not finish its roll in ${s.timeoutMinutes} minutes (rolloutTimeoutMinutes): ${last}. The pods keep rolling; run pulumi up again once they are ready.`,
      );
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

const provider = defineProvider('RolloutWait', {
  async create(inputs: State) {
    await awaitRollout(inputs);
    return { id: `${inputs.namespace}/${inputs.name}`, outs: inputs };
  },
  async diff(_id, olds: State, news: State) {
    return {
      changes:
        olds.revision !== news.revision ||
        JSON.stringify(olds.access ?? null) !== JSON.stringify(news.access ?? null) ||
        olds.timeoutMinutes !== news.timeoutMinutes,
    };
  },
  async update(_id, olds: State, news: State) {
    if (olds.revision !== news.revision) await awaitRollout(news);
    return { outs: news };
  },
} satisfies pulumi.dynamic.ResourceProvider);

export class RolloutWait extends DynamicResource {
  constructor(name: string, args: RolloutWaitInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, { ...opts, additionalSecretOutputs: ['access'] });
  }
}
