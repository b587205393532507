// The iptables rules the real node's parts made: kube-proxy's (its own
// --cleanup mode), the kubelet's (KUBE-FIREWALL and canaries), and the bridge
// plugin's masquerade rules for the pods (comment `name: "warren"`; containers
// killed at once never got their CNI DEL). Read from `iptables -S`, whose lines
// are the arguments that made each rule, quoted where needed.
import { runCommand } from './run-command.js';

const KUBE_CHAIN = /^KUBE-(FIREWALL|KUBELET-CANARY|IPTABLES-HINT)$/;
// In `-S` output the comment's quotes are escaped: name: \"warren\".
const WARREN_COMMENT = 'name: \\"warren\\"';
const RULE = /^-A .*(-j KUBE-(FIREWALL|KUBELET-CANARY|IPTABLES-HINT)(?=\s|$)|name: \\"warren\\")/;
const TIMEOUT = { timeoutMs: 60_000 };

/** One `-S` line as arguments: words, double-quoted strings with backslash escapes. */
export function splitRule(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quoted) throw new Error(`unbalanced quotes in iptables rule: ${line}`);
  if (inWord) words.push(word);
  return words;
}

/** The `-D` arguments that delete the node's rules (the jumps and the bridge plugin's rules outside its own chains). */
export function rulesToDelete(listing: string): string[][] {
  return listing
    .split('\n')
    .filter((line) => RULE.test(line) && !line.startsWith('-A CNI-'))
    .map((line) => ['-D', ...splitRule(line).slice(1)]);
}

/** The chains to flush and remove: the kubelet's, and the bridge plugin's CNI-… chains of this network. */
export function chainsToRemove(listing: string): string[] {
  const chains = new Set<string>();
  for (const line of listing.split('\n')) {
    const [flag, chain] = line.split(' ');
    if (flag === '-N' && chain && KUBE_CHAIN.test(chain)) chains.add(chain);
    if (flag === '-A' && chain?.startsWith('CNI-') && line.includes(WARREN_COMMENT)) chains.add(chain);
  }
  return [...chains];
}

/** Removes the node's rules from every table; `kubeProxy` (the binary) also runs its own cleanup when given. */
export async function cleanUpIptables(kubeProxy: string | undefined): Promise<void> {
  if (kubeProxy) await runCommand([kubeProxy, '--cleanup'], TIMEOUT);
  for (const ipt of ['iptables', 'ip6tables'])
    for (const table of ['filter', 'nat', 'mangle']) {
      const listing = await runCommand([ipt, '-w', '-t', table, '-S'], TIMEOUT);
      if (listing.code !== 0) continue;
      for (const rule of rulesToDelete(listing.stdout)) await runCommand([ipt, '-w', '-t', table, ...rule], TIMEOUT);
      for (const chain of chainsToRemove(listing.stdout)) {
        await runCommand([ipt, '-w', '-t', table, '-F', chain], TIMEOUT);
        await runCommand([ipt, '-w', '-t', table, '-X', chain], TIMEOUT);
      }
    }
}
