// What the k8s-cluster tests expect of a refusal: a ClusterError (one line, exit 2), never another error.
import { ClusterError } from '../../../scripts/k8s/log.js';

/** The ClusterError `run` throws; any other error is rethrown, and no error at all is a failure. */
export function refusal(run: () => unknown): ClusterError {
  try {
    run();
  } catch (error) {
    if (error instanceof ClusterError) return error;
    throw error;
  }
  throw new Error('no error');
}
