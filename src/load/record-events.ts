// What js-yaml's listener reports (the `listener` option: loader.js
// composeNode calls it when it opens and closes each node, with its state).
import type jsYaml from 'js-yaml';

/**
 * js-yaml's composeNode calls, in the order they opened, as columns of
 * numbers (a file of a million nodes is a million entries here, not a million
 * objects). Children are linked: first child, next sibling. A call that is
 * rolled back (js-yaml trying a block mapping after a node's properties) is
 * recorded too, as a child of the node that then reads a scalar.
 */
export class Events {
  readonly open: number[] = [];
  readonly close: number[] = [];
  readonly kind: (string | null)[] = [];
  readonly result: unknown[] = [];
  readonly tag: (string | null)[] = [];
  readonly first: number[] = [];
  readonly next: number[] = [];
  private readonly last: number[] = [];
  readonly roots: number[] = [];
  readonly stack: number[] = [];
  version: string | null | undefined;

  constructor(private readonly shift: number) {}

  readonly listener = (event: 'open' | 'close', state: jsYaml.State): void => {
    if (event === 'open') {
      if (this.version === undefined) this.version = (state.version as unknown as string | null) ?? null;
      const i = this.open.length;
      this.open.push(state.position + this.shift);
      this.close.push(-1);
      this.kind.push(null);
      this.result.push(undefined);
      this.tag.push(null);
      this.first.push(-1);
      this.next.push(-1);
      this.last.push(-1);
      const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1]! : -1;
      if (parent < 0) this.roots.push(i);
      else if (this.first[parent]! < 0) this.first[parent] = i;
      else this.next[this.last[parent]!] = i;
      if (parent >= 0) this.last[parent] = i;
      this.stack.push(i);
      return;
    }
    const i = this.stack.pop()!;
    this.close[i] = state.position + this.shift;
    this.kind[i] = state.kind;
    this.result[i] = state.result;
    this.tag[i] = (state as unknown as { tag: string | null }).tag;
  };

  children(i: number): number[] {
    const out: number[] = [];
    for (let c = this.first[i]!; c >= 0; c = this.next[c]!) out.push(c);
    return out;
  }
}
