// Names matched against policy patterns exactly as the broker matches them:
// RabbitMQ asks Erlang's `re:run(Name, Pattern, [{capture, none}])`, which is
// PCRE 8.44 over the name's UTF-8 bytes (model/read-pcre.ts reads the pattern
// so). The answer is Erlang's `match` or `nomatch`, or `unknown` where warren
// cannot know it:
// - the pattern uses syntax outside what read-pcre.ts reads (it says why);
// - PCRE could give up first: Erlang's `re` stops after 10,000,000 steps of
//   backtracking and then answers `nomatch` even when a match exists (the
//   broker then does not apply the policy).
// So warren first searches as PCRE does (backtracking, in PCRE's order), but
// stops far below that limit (BUDGET): an answer found within it is PCRE's.
// Past it, an NFA (a Pike VM over bytes, time linear in the name) tells
// whether any match exists: none is `nomatch`; one is `unknown`, since
// Erlang may give up before it finds it. So a pattern like `^(a+)+$` never
// hangs warren; lookarounds cost a factor of the name's length more (names
// are at most 255 bytes). No library does this: no npm package matches as PCRE does
// (RE2 and JavaScript's engines read `$`, `\w`, `\b` and bytes otherwise).
import { IS_WORD } from './pcre-tables.js';
import { type Assertion, fixedLength, hasLoneSurrogate, type Node, readPcre } from './read-pcre.js';

/** Erlang's `re:run` answer for a name, or `unknown`. */
export type PatternAnswer = 'match' | 'nomatch' | 'unknown';

export interface NameMatcher {
  /** Why warren cannot read the pattern as PCRE does; undefined when it can. */
  readonly unreadable?: string;
  match(name: string): PatternAnswer;
}

/** Why an answer is `unknown` (for messages). */
export function unknownWhy(matcher: NameMatcher): string {
  return matcher.unreadable
    ? `warren does not evaluate its pattern (${matcher.unreadable})`
    : 'Erlang may give up on its pattern (its backtracking limit) before it finds the match';
}

// Topologies repeat patterns (every queue is tested against every policy), so compiled matchers are cached — on
// `process`, one cache for every copy of this module in a process (the library's, and the providers' bundle's).
function matcherCache(): Map<string, NameMatcher> {
  const host = process as unknown as Record<symbol, Map<string, NameMatcher> | undefined>;
  let cache = host[Symbol.for('warren.name-matchers')];
  if (cache === undefined || cache.size > 10_000) {
    cache = new Map();
    host[Symbol.for('warren.name-matchers')] = cache;
  }
  return cache;
}

/** The matcher of a pattern: always one, answering `unknown` for every name when the pattern is unreadable. */
export function compileForMatching(pattern: string): NameMatcher {
  const cache = matcherCache();
  let m = cache.get(pattern);
  if (m === undefined) {
    m = compile(pattern);
    cache.set(pattern, m);
  }
  return m;
}

/**
 * Backtracking steps after which warren stops confirming a match: PCRE's
 * limit is 10,000,000 calls of its matcher, and each of warren's steps (one
 * instruction) is at least one of those calls' worth of work, so this leaves a
 * margin of 100 (test/model/match-names.test.ts measures where Erlang gives up).
 */
const BUDGET = 100_000;
/** Instructions a pattern may compile to (counted repeats are copied); larger ones are not matched. */
const MAX_PROGRAM = 200_000;

function compile(pattern: string): NameMatcher {
  const reading = readPcre(pattern);
  if ('unreadable' in reading) return unreadable(reading.unreadable);
  if (size(reading.node) > MAX_PROGRAM) return unreadable('repeats too much to be matched here (counted repeats)');
  const program = new Compiler().program(reading.node);
  const encoder = new TextEncoder();
  // Validation, the plan and diff ask about the same names again.
  const answers = new Map<string, PatternAnswer>();
  const answer = (name: string): PatternAnswer => {
    if (hasLoneSurrogate(name)) return 'unknown';
    const subject = encoder.encode(name);
    // PCRE's own search, within the budget: its answer is Erlang's. Past the budget, the NFA tells whether any
    // match exists; if one does, Erlang may give up before it finds it.
    const found = new Backtrack(subject).search(program);
    if (found !== undefined) return found ? 'match' : 'nomatch';
    return new Run(subject).search(program) ? 'unknown' : 'nomatch';
  };
  return {
    match(name) {
      let a = answers.get(name);
      if (a === undefined) {
        a = answer(name);
        if (answers.size >= 100_000) answers.clear();
        answers.set(name, a);
      }
      return a;
    },
  };
}

function unreadable(why: string): NameMatcher {
  return { unreadable: why, match: () => 'unknown' };
}

// ---------------------------------------------------------------------------
// The program: an NFA as instructions, in PCRE's order of preference (the
// first branch of a split is the one PCRE tries first).

const Op = {
  Bytes: 0,
  Split: 1,
  Jump: 2,
  Assert: 3,
  Look: 4,
  /** Remember the position in a register (the start of a loop's iteration). */
  Mark: 5,
  /** Fail when the iteration begun at the register's position matched nothing (PCRE ends such loops). */
  Progress: 6,
  Match: 7,
} as const;
type Op = (typeof Op)[keyof typeof Op];

interface Look {
  readonly behind: boolean;
  readonly negated: boolean;
  /** Lookahead: one program of every branch. Lookbehind: a program per branch, with its fixed length. */
  readonly branches: readonly { readonly program: Program; readonly length: number }[];
}

interface Program {
  readonly op: Op[];
  readonly x: number[];
  readonly y: number[];
  readonly sets: (Uint8Array | undefined)[];
  readonly assertions: (Assertion | undefined)[];
  readonly looks: Look[];
  readonly registers: number;
}

/** Instructions a node compiles to, at most (to refuse patterns that would blow up before compiling them). */
function size(node: Node): number {
  switch (node.kind) {
    case 'bytes':
    case 'assert':
      return 1;
    case 'look':
      return 1 + node.branches.reduce((n, b) => n + size(b) + 1, 0);
    case 'sequence':
      return node.items.reduce((n, item) => n + size(item), 0);
    case 'either':
      return node.branches.reduce((n, b) => n + size(b) + 2, 0);
    case 'repeat': {
      const item = size(node.item);
      const optional = node.max === Infinity ? item + 4 : (node.max - node.min) * (item + 1);
      return node.min * item + optional;
    }
  }
}

function canBeEmpty(node: Node): boolean {
  switch (node.kind) {
    case 'bytes':
      return false;
    case 'assert':
    case 'look':
      return true;
    case 'sequence':
      return node.items.every(canBeEmpty);
    case 'either':
      return node.branches.some(canBeEmpty);
    case 'repeat':
      return node.min === 0 || canBeEmpty(node.item);
  }
}

class Compiler {
  private readonly p: Program & { registers: number } = {
    op: [],
    x: [],
    y: [],
    sets: [],
    assertions: [],
    looks: [],
    registers: 0,
  };

  program(node: Node): Program {
    this.emit(node);
    this.push(Op.Match);
    return this.p;
  }

  private push(op: Op, x = 0, y = 0, set?: Uint8Array, assertion?: Assertion): number {
    const p = this.p;
    p.op.push(op);
    p.x.push(x);
    p.y.push(y);
    p.sets.push(set);
    p.assertions.push(assertion);
    return p.op.length - 1;
  }

  private get here(): number {
    return this.p.op.length;
  }

  private emit(node: Node): void {
    switch (node.kind) {
      case 'bytes':
        this.push(Op.Bytes, 0, 0, node.set);
        return;
      case 'assert':
        this.push(Op.Assert, 0, 0, undefined, node.assertion);
        return;
      case 'look': {
        const branches = node.behind
          ? node.branches.map((b) => ({ program: new Compiler().program(b), length: fixedLength(b)! }))
          : [
              {
                program: new Compiler().program(
                  node.branches.length === 1 ? node.branches[0]! : { kind: 'either', branches: node.branches },
                ),
                length: 0,
              },
            ];
        this.p.looks.push({ behind: node.behind, negated: node.negated, branches });
        this.push(Op.Look, this.p.looks.length - 1);
        return;
      }
      case 'sequence':
        for (const item of node.items) this.emit(item);
        return;
      case 'either': {
        const jumps: number[] = [];
        node.branches.forEach((branch, i) => {
          if (i === node.branches.length - 1) {
            this.emit(branch);
            return;
          }
          const split = this.push(Op.Split);
          this.p.x[split] = this.here;
          this.emit(branch);
          jumps.push(this.push(Op.Jump));
          this.p.y[split] = this.here;
        });
        for (const j of jumps) this.p.x[j] = this.here;
        return;
      }
      case 'repeat':
        this.repeat(node.item, node.min, node.max, node.lazy);
        return;
    }
  }

  private repeat(item: Node, min: number, max: number, lazy: boolean): void {
    for (let i = 0; i < min; i++) this.emit(item);
    if (max === Infinity) {
      const empty = canBeEmpty(item);
      const register = empty ? this.p.registers++ : 0;
      const split = this.push(Op.Split);
      const body = this.here;
      if (empty) this.push(Op.Mark, register);
      this.emit(item);
      if (empty) this.push(Op.Progress, register);
      this.push(Op.Jump, split);
      this.branch(split, body, this.here, lazy);
      return;
    }
    const splits: number[] = [];
    for (let i = min; i < max; i++) {
      const split = this.push(Op.Split);
      splits.push(split);
      this.p.x[split] = this.here;
      this.emit(item);
    }
    for (const s of splits) this.branch(s, this.p.x[s]!, this.here, lazy);
  }

  /** A split into `body` and `exit`, the body first unless lazy (PCRE's order). */
  private branch(split: number, body: number, exit: number, lazy: boolean): void {
    this.p.x[split] = lazy ? exit : body;
    this.p.y[split] = lazy ? body : exit;
  }
}

function holds(assertion: Assertion, s: Uint8Array, at: number): boolean {
  const n = s.length;
  switch (assertion) {
    case 'start':
    case 'subject-start':
      return at === 0;
    case 'end':
    case 'end-or-newline':
      // `$` and `\Z`: at the end, or before a newline that ends the subject.
      return at === n || (at === n - 1 && s[at] === 10);
    case 'subject-end':
      return at === n;
    case 'line-start':
      // (?m)^: at the start, or after a newline that does not end the subject.
      return at === 0 || (s[at - 1] === 10 && at < n);
    case 'line-end':
      return at === n || s[at] === 10;
    case 'word-boundary':
    case 'not-word-boundary': {
      const before = at > 0 && IS_WORD[s[at - 1]!] === 1;
      const after = at < n && IS_WORD[s[at]!] === 1;
      return (before !== after) === (assertion === 'word-boundary');
    }
  }
}

/** Per program, marks of the instructions visited (reused across runs: a program is never run inside its own run). */
const visited = new WeakMap<Program, { marks: Uint32Array; stamp: number }>();

function seenOf(p: Program): { marks: Uint32Array; stamp: number } {
  let seen = visited.get(p);
  if (!seen) {
    seen = { marks: new Uint32Array(p.op.length), stamp: 0 };
    visited.set(p, seen);
  }
  return seen;
}

/** `count` fresh stamps (the first one returned), none ever used before on these marks. */
function reserveStamps(seen: { marks: Uint32Array; stamp: number }, count: number): number {
  if (seen.stamp + count >= 0xffff_ffff) {
    seen.marks.fill(0);
    seen.stamp = 0;
  }
  const first = seen.stamp + 1;
  seen.stamp += count;
  return first;
}

// ---------------------------------------------------------------------------
// The Pike VM: every thread of the NFA advanced one byte at a time, each
// (instruction, position) visited once: time linear in the subject.

class Run {
  private readonly lookMemo = new Map<string, boolean>();

  constructor(private readonly s: Uint8Array) {}

  /** Whether the program matches somewhere (Erlang's re:run without anchoring). */
  search(program: Program): boolean {
    return this.run(program, 0, 'anywhere');
  }

  /**
   * Runs from `start`: `anywhere` adds a thread at every position (a search);
   * `from` matches starting at `start`; a number requires the match to end there.
   */
  private run(p: Program, start: number, mode: 'anywhere' | 'from' | number): boolean {
    const n = this.s.length;
    let current: number[] = [];
    let next: number[] = [];
    // Instructions already added at a position carry that position's stamp: base + position.
    const seen = seenOf(p);
    const base = reserveStamps(seen, n + 2);
    const stack: number[] = [];
    let matched = false;
    const add = (list: number[], pc0: number, at: number) => {
      const stamp = base + at;
      stack.push(pc0);
      while (stack.length > 0) {
        const pc = stack.pop()!;
        if (seen.marks[pc] === stamp) continue;
        seen.marks[pc] = stamp;
        switch (p.op[pc]) {
          case Op.Bytes:
            list.push(pc);
            break;
          case Op.Match:
            if (typeof mode !== 'number' || mode === at) matched = true;
            break;
          case Op.Jump:
            stack.push(p.x[pc]!);
            break;
          case Op.Split:
            stack.push(p.y[pc]!, p.x[pc]!);
            break;
          case Op.Assert:
            if (holds(p.assertions[pc]!, this.s, at)) stack.push(pc + 1);
            break;
          case Op.Look:
            if (this.look(p.looks[p.x[pc]!]!, p.x[pc]!, p, at)) stack.push(pc + 1);
            break;
          default: // Mark, Progress: every (instruction, position) is visited once, so empty loops end anyway
            stack.push(pc + 1);
        }
      }
    };
    for (let at = start; ; at++) {
      if (mode === 'anywhere' || at === start) add(current, 0, at);
      if (matched) return true;
      if (at >= n || (current.length === 0 && mode !== 'anywhere')) return false;
      const byte = this.s[at]!;
      for (const pc of current) if (p.sets[pc]![byte]) add(next, pc + 1, at + 1);
      [current, next] = [next, current];
      next.length = 0;
    }
  }

  private look(look: Look, index: number, owner: Program, at: number): boolean {
    const key = `${this.programId(owner)}:${index}:${at}`;
    let result = this.lookMemo.get(key);
    if (result === undefined) {
      result = look.behind
        ? look.branches.some((b) => at - b.length >= 0 && this.run(b.program, at - b.length, at))
        : this.run(look.branches[0]!.program, at, 'from');
      if (look.negated) result = !result;
      this.lookMemo.set(key, result);
    }
    return result;
  }

  private readonly ids = new Map<Program, number>();
  private programId(p: Program): number {
    let id = this.ids.get(p);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(p, id);
    }
    return id;
  }
}

// ---------------------------------------------------------------------------
// Backtracking in PCRE's order, with a budget: finding the match within it
// means PCRE finds it long before its own limit.

class Backtrack {
  private steps = 0;

  constructor(private readonly s: Uint8Array) {}

  /** true: PCRE finds a match; false: there is none; undefined: the budget ran out. */
  search(p: Program): boolean | undefined {
    for (let start = 0; start <= this.s.length; start++) {
      const found = this.from(p, start, undefined);
      if (found !== false) return found;
    }
    return false;
  }

  // A loop's register is always set by its Mark before its Progress reads it, on the same path: no reset between starts.
  private readonly registers = new Map<Program, Int32Array>();

  private from(p: Program, start: number, end: number | undefined): boolean | undefined {
    let registers = this.registers.get(p);
    if (!registers) {
      registers = new Int32Array(p.registers);
      this.registers.set(p, registers);
    }
    // Alternatives to try: [pc, position], or [-1 - register, old value] to restore on the way back.
    const stack: number[] = [0, start];
    while (stack.length > 0) {
      const at0 = stack.pop()!;
      let pc = stack.pop()!;
      if (pc < 0) {
        registers[-1 - pc] = at0;
        continue;
      }
      let at = at0;
      for (;;) {
        if (++this.steps > BUDGET) return undefined;
        const op = p.op[pc];
        if (op === Op.Match) {
          if (end === undefined || at === end) return true;
          break;
        }
        if (op === Op.Bytes) {
          if (at < this.s.length && p.sets[pc]![this.s[at]!]) {
            at++;
            pc++;
            continue;
          }
          break;
        }
        if (op === Op.Jump) pc = p.x[pc]!;
        else if (op === Op.Split) {
          stack.push(p.y[pc]!, at);
          pc = p.x[pc]!;
        } else if (op === Op.Assert) {
          if (!holds(p.assertions[pc]!, this.s, at)) break;
          pc++;
        } else if (op === Op.Look) {
          const look = p.looks[p.x[pc]!]!;
          let ok: boolean | undefined = false;
          for (const b of look.branches) {
            const from = look.behind ? at - b.length : at;
            const r = from < 0 ? false : this.from(b.program, from, look.behind ? at : undefined);
            if (r === undefined) return undefined;
            if (r) ok = true;
            if (ok) break;
          }
          if (ok === look.negated) break;
          pc++;
        } else if (op === Op.Mark) {
          const r = p.x[pc]!;
          stack.push(-1 - r, registers[r]!);
          registers[r] = at;
          pc++;
        } else {
          // Progress: an iteration that matched nothing ends the loop (the split before it tried leaving).
          if (registers[p.x[pc]!] === at) break;
          pc++;
        }
      }
    }
    return false;
  }
}
