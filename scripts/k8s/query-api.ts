// Questions to the API server that up waits on, asked over HTTPS as the admin
// rather than through kubectl (one process start less per poll). Each answers
// false on any failure: the poll that asks decides when to give up.
import { type Cluster, portOf } from './cluster.js';
import { adminTls, httpGet } from './probe-health.js';

interface Condition {
  readonly type?: string;
  readonly status?: string;
}
interface NodeObject {
  readonly status?: { readonly conditions?: readonly Condition[] };
}

/** The object at `path`, or undefined for any answer but 200 with JSON. */
export async function getJson(cluster: Cluster, path: string): Promise<unknown> {
  try {
    const answer = await httpGet(`https://127.0.0.1:${portOf(cluster, 'APISERVER_PORT')}${path}`, {
      tls: adminTls(cluster),
      timeoutMs: 5000,
    });
    return answer.status === 200 ? JSON.parse(answer.body) : undefined;
  } catch {
    return undefined;
  }
}

export const isReady = (node: NodeObject | undefined) =>
  node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** How many nodes with `label` are Ready (undefined when the API did not answer). */
export async function readyNodes(cluster: Cluster, label: string): Promise<number | undefined> {
  const list = (await getJson(cluster, `/api/v1/nodes?labelSelector=${encodeURIComponent(label)}`)) as
    | { items?: NodeObject[] }
    | undefined;
  return list?.items?.filter(isReady).length;
}

export async function nodeReady(cluster: Cluster, name: string): Promise<boolean> {
  return isReady((await getJson(cluster, `/api/v1/nodes/${encodeURIComponent(name)}`)) as NodeObject | undefined);
}

/** Pods are rejected until the ServiceAccount controller made their namespace's "default". */
export async function defaultServiceAccountExists(cluster: Cluster): Promise<boolean> {
  return (await getJson(cluster, '/api/v1/namespaces/default/serviceaccounts/default')) !== undefined;
}
