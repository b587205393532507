// The cluster guard's one question to the running cluster: which versions its
// nodes run (GET /api/nodes, judged by runningVersionsOf). Asked once, with a
// short deadline and no retry: a preview must not wait out a cluster that is
// down, whose guard then judges from the deployed image and says so.
import { httpRequest } from '../../broker/tls-request.js';
import type { RunningVersions } from '../../cluster/cluster-guard-rules.js';
import { runningVersionsOf } from '../../cluster/running-versions.js';
import { apiUrl, authorization, type Connection, failureReason } from '../dynamic/management-api.js';

const DEADLINE_MS = 10_000;

export async function readRunningVersions(conn: Connection): Promise<RunningVersions> {
  let answer: { status: number; text: string };
  try {
    answer = await httpRequest(apiUrl(conn, '/nodes'), conn.tls, {
      method: 'GET',
      headers: { authorization: authorization(conn) },
      timeoutMs: DEADLINE_MS,
    });
  } catch (e) {
    return { unknown: `the management API did not answer (${failureReason(e, DEADLINE_MS)})` };
  }
  if (answer.status !== 200) return { unknown: `GET /api/nodes answered ${answer.status}` };
  try {
    return runningVersionsOf(JSON.parse(answer.text));
  } catch {
    return { unknown: 'GET /api/nodes answered with a body that is not JSON' };
  }
}
