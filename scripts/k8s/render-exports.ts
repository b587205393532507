// What up prints on standard output, for `eval "$(scripts/k8s-cluster.sh up DIR)"`:
// the admin's kubeconfig and the tier's kubectl first on PATH. A path with
// characters the shell would split or expand is double-quoted.
import { join } from 'node:path';

const PLAIN = /^[\w@%+=:,./-]+$/;

const quoted = (text: string) => text.replace(/[\\"$`]/g, '\\$&');

export function renderExports(dir: string, bin: string): string {
  const kubeconfig = join(dir, 'kubeconfig');
  return [
    `export KUBECONFIG=${PLAIN.test(kubeconfig) ? kubeconfig : `"${quoted(kubeconfig)}"`}\n`,
    `export PATH=${PLAIN.test(bin) ? `${bin}:$PATH` : `"${quoted(bin)}:$PATH"`}\n`,
  ].join('');
}
