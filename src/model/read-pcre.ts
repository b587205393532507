// A policy pattern read as the broker reads it: RabbitMQ calls Erlang's
// `re:run(Name, Pattern, [{capture, none}])`, which compiles the pattern with
// PCRE 8.44 in non-UTF mode. So the pattern is a string of bytes (its UTF-8
// form, cut at the first NUL byte: PCRE takes a C string), a non-ASCII
// character is a sequence of bytes (a quantifier after `é` repeats its last
// byte; `[é]` is a class of two bytes), and the classes are Latin-1's
// (model/pcre-tables.ts).
//
// Only a well-defined subset is read, each construct checked against `erl`
// (test/model/match-names.test.ts): literals and escapes of single bytes, `.`,
// classes (ranges, class escapes, POSIX classes), groups (capturing, `(?:`,
// named, `(?|`, comments), alternation, quantifiers (greedy and lazy), the
// options i, m, s and U, the assertions `^ $ \A \z \Z \b \B`, and
// lookarounds. Anything else — back-references, atomic groups, possessive
// quantifiers, recursion, conditionals, verbs, `\G`, `\K`, `\R`, `\p`,
// `(?x)`, escapes PCRE reads as a plain letter, and every pattern PCRE
// refuses — is not read: `unreadable` says why, and warren then answers
// "unknown" wherever that pattern decides something.
import { ESCAPE_CLASSES, POSIX_CLASSES, bytesOf, otherCase } from './pcre-tables.js';

export type Assertion =
  | 'start'
  | 'end'
  | 'line-start'
  | 'line-end'
  | 'subject-start'
  | 'subject-end'
  | 'end-or-newline'
  | 'word-boundary'
  | 'not-word-boundary';

export type Node =
  /** One byte of the set (256 flags). */
  | { readonly kind: 'bytes'; readonly set: Uint8Array }
  | { readonly kind: 'assert'; readonly assertion: Assertion }
  | { readonly kind: 'sequence'; readonly items: readonly Node[] }
  | { readonly kind: 'either'; readonly branches: readonly Node[] }
  | { readonly kind: 'repeat'; readonly item: Node; readonly min: number; readonly max: number; readonly lazy: boolean }
  /** A lookahead, or a lookbehind of fixed length (each branch its own length, as PCRE requires). */
  | { readonly kind: 'look'; readonly behind: boolean; readonly negated: boolean; readonly branches: readonly Node[] };

export type Reading = { readonly node: Node } | { readonly unreadable: string };

/** PCRE refuses counts above this ("number too big in {} quantifier"). */
const MAX_COUNT = 65_535;
/** PCRE refuses deeper nesting of parentheses (250); warren stops a little before. */
const MAX_DEPTH = 200;

interface Options {
  caseless: boolean;
  multiline: boolean;
  dotall: boolean;
  ungreedy: boolean;
}

class Unreadable extends Error {}

function fail(why: string): never {
  throw new Unreadable(why);
}

const ALL = new Uint8Array(256).fill(1);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A lone UTF-16 surrogate has no UTF-8 form: the broker never sees such a string. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** The pattern as PCRE reads it, or why warren does not read it. */
export function readPcre(pattern: string): Reading {
  if (hasLoneSurrogate(pattern)) return { unreadable: 'it holds a lone UTF-16 surrogate, which has no UTF-8 form' };
  const encoded = new TextEncoder().encode(pattern);
  const nul = encoded.indexOf(0);
  try {
    const parser = new Parser(nul < 0 ? encoded : encoded.subarray(0, nul));
    return { node: parser.pattern() };
  } catch (error) {
    if (error instanceof Unreadable) return { unreadable: error.message };
    throw error;
  }
}

class Parser {
  private at = 0;
  private depth = 0;
  private readonly names = new Set<string>();

  constructor(private readonly p: Uint8Array) {}

  pattern(): Node {
    const node = this.alternation({ caseless: false, multiline: false, dotall: false, ungreedy: false });
    if (this.at < this.p.length) fail('it has a `)` that closes no group (PCRE refuses it)');
    return node;
  }

  private peek(offset = 0): number | undefined {
    return this.p[this.at + offset];
  }

  private char(offset = 0): string {
    const b = this.peek(offset);
    return b === undefined ? '' : String.fromCharCode(b);
  }

  private alternation(outer: Options): Node {
    const branches = this.branches(outer);
    return branches.length === 1 ? branches[0]! : { kind: 'either', branches };
  }

  /** Branches up to an unmatched `)` or the end. Options set in one branch hold in the next ones too (PCRE 8). */
  private branches(outer: Options): Node[] {
    if (++this.depth > MAX_DEPTH) fail('its groups nest too deep');
    const options = { ...outer };
    const branches = [this.sequence(options)];
    while (this.char() === '|') {
      this.at++;
      branches.push(this.sequence(options));
    }
    this.depth--;
    return branches;
  }

  private sequence(options: Options): Node {
    const items: Node[] = [];
    // The item a quantifier would repeat; undefined where PCRE says "nothing to repeat".
    let last: number | undefined;
    for (;;) {
      const c = this.char();
      if (c === '' || c === '|' || c === ')') break;
      if (c === '*' || c === '+' || c === '?' || (c === '{' && this.countedRepeat())) {
        if (last === undefined) fail('a quantifier follows nothing it can repeat (PCRE refuses it)');
        items[last] = this.quantified(items[last]!, options);
        last = undefined;
        continue;
      }
      const item = this.atom(options);
      if (item === 'skip') continue;
      if (item === 'reset') {
        last = undefined;
        continue;
      }
      for (const node of item.nodes) items.push(node);
      last = item.repeatable ? items.length - 1 : undefined;
    }
    return items.length === 1 ? items[0]! : { kind: 'sequence', items };
  }

  /** Whether a `{` here starts a counted repeat ({n}, {n,}, {n,m}); otherwise it is a literal `{`. */
  private countedRepeat(): boolean {
    let i = this.at + 1;
    const digits = () => {
      const from = i;
      while (this.p[i] !== undefined && this.p[i]! >= 48 && this.p[i]! <= 57) i++;
      return i > from;
    };
    if (!digits()) return false;
    if (this.p[i] === 125) return true;
    if (this.p[i] !== 44) return false;
    i++;
    digits();
    return this.p[i] === 125;
  }

  private quantified(item: Node, options: Options): Node {
    let min: number;
    let max: number;
    const c = this.char();
    this.at++;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else {
      const close = this.p.indexOf(125, this.at);
      const [low, high] = new TextDecoder().decode(this.p.subarray(this.at, close)).split(',');
      this.at = close + 1;
      min = Number(low);
      max = high === undefined ? min : high === '' ? Infinity : Number(high);
      if (min > MAX_COUNT || (max !== Infinity && max > MAX_COUNT))
        fail('a repeat count is above 65535 (PCRE refuses it)');
      if (max < min) fail('a repeat count range is out of order (PCRE refuses it)');
    }
    let lazy = options.ungreedy;
    if (this.char() === '?') {
      lazy = !lazy;
      this.at++;
    } else if (this.char() === '+') fail('it uses a possessive quantifier');
    const next = this.char();
    if (next === '*' || next === '+' || next === '?' || (next === '{' && this.countedRepeat()))
      fail('a quantifier follows a quantifier (PCRE refuses it)');
    return { kind: 'repeat', item, min, max, lazy };
  }

  /** One item: nodes to add (and whether a quantifier may follow), or a construct that adds nothing. */
  private atom(options: Options): { nodes: Node[]; repeatable: boolean } | 'skip' | 'reset' {
    const b = this.peek()!;
    const c = String.fromCharCode(b);
    if (c === '(') return this.group(options);
    this.at++;
    switch (c) {
      case '[':
        // PCRE refuses `[:alpha:]` outside a class; warren reads no class that starts so.
        if (/^[:.=]$/.test(this.char())) fail('a class starts with `[:`, `[.` or `[=`, which warren does not read');
        return one(this.characterClass(options));
      case '.':
        return one({
          kind: 'bytes',
          set: options.dotall
            ? ALL
            : bytesOf([
                [0, 9],
                [11, 255],
              ]),
        });
      case '^':
        return assertion(options.multiline ? 'line-start' : 'start');
      case '$':
        return assertion(options.multiline ? 'line-end' : 'end');
      case '\\':
        return this.escape(options);
      default:
        return one(literal(b, options));
    }
  }

  private escape(options: Options): { nodes: Node[]; repeatable: boolean } | 'skip' | 'reset' {
    const b = this.peek();
    if (b === undefined) fail('it ends with a lone `\\` (PCRE refuses it)');
    const c = String.fromCharCode(b!);
    this.at++;
    switch (c) {
      case 'b':
        return assertion('word-boundary');
      case 'B':
        return assertion('not-word-boundary');
      case 'A':
        return assertion('subject-start');
      case 'z':
        return assertion('subject-end');
      case 'Z':
        return assertion('end-or-newline');
      case 'Q':
        return this.quoted(options);
      case 'E':
        return 'reset';
    }
    const set = this.classEscape(c);
    if (set) return one({ kind: 'bytes', set });
    return one(literal(this.byteEscape(c), options));
  }

  /** `\Q…\E`: every byte up to `\E` (or the end) literal; a quantifier after it repeats the last one. */
  private quoted(options: Options): { nodes: Node[]; repeatable: boolean } | 'reset' {
    const nodes: Node[] = [];
    while (this.at < this.p.length && !(this.char() === '\\' && this.char(1) === 'E'))
      nodes.push(literal(this.p[this.at++]!, options));
    if (this.at < this.p.length) this.at += 2;
    return nodes.length === 0 ? 'reset' : { nodes, repeatable: true };
  }

  /** `\d \D \s \S \w \W \h \H \v \V` as a set of bytes; undefined for other escapes. */
  private classEscape(c: string): Uint8Array | undefined {
    const ranges = ESCAPE_CLASSES[c.toLowerCase()];
    if (!ranges || !/^[dswhv]$/i.test(c)) return undefined;
    const set = bytesOf(ranges);
    return c === c.toUpperCase() ? set.map((x) => 1 - x) : set;
  }

  /** An escape that stands for one byte (after the `\`, which is consumed along with `c`). */
  private byteEscape(c: string): number {
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, e: 27, a: 7 };
    if (simple[c] !== undefined) return simple[c]!;
    if (c === '0') return this.digits(8, 2, 0);
    if (c === 'x') {
      if (this.char() !== '{') return this.digits(16, 2, 0);
      const close = this.p.indexOf(125, this.at);
      const hex = close < 0 ? '' : new TextDecoder().decode(this.p.subarray(this.at + 1, close));
      if (!/^[0-9a-fA-F]+$/.test(hex)) fail('it has a malformed \\x{…} escape');
      const value = Number.parseInt(hex, 16);
      if (value > 255) fail('\\x{…} is above 0xff, which PCRE refuses outside UTF mode');
      this.at = close + 1;
      return value;
    }
    const b = c.charCodeAt(0);
    // A backslash before a character that is not a letter or digit makes it literal.
    if (!/^[0-9A-Za-z]$/.test(c)) return b;
    return fail(`it uses \\${c}, which warren does not read`);
  }

  /** Up to `count` more digits in `radix`, added to `value`. */
  private digits(radix: number, count: number, value: number): number {
    for (let i = 0; i < count; i++) {
      const d = Number.parseInt(this.char(), radix);
      if (Number.isNaN(d)) break;
      value = value * radix + d;
      this.at++;
    }
    return value;
  }

  private characterClass(options: Options): Node {
    const set = new Uint8Array(256);
    const negated = this.char() === '^';
    if (negated) this.at++;
    let first = true;
    for (;;) {
      const c = this.char();
      if (c === '') fail('a character class is never closed (PCRE refuses it)');
      if (c === ']' && !first) {
        this.at++;
        break;
      }
      first = false;
      const from = this.classItem(options);
      if (from.set) {
        for (let i = 0; i < 256; i++) if (from.set[i]) set[i] = 1;
        continue; // a `-` after a class escape is a literal (PCRE 8.44 reads `[\w-z]` so)
      }
      const byte = from.byte!;
      if (this.char() === '-' && this.peek(1) !== undefined && this.char(1) !== ']') {
        this.at++;
        const to = this.classItem(options);
        if (to.set) fail('a range in a character class ends with a class escape (PCRE refuses it)');
        if (to.byte! < byte) fail('a range in a character class is out of order (PCRE refuses it)');
        for (let i = byte; i <= to.byte!; i++) add(set, i, options);
      } else add(set, byte, options);
    }
    return { kind: 'bytes', set: negated ? set.map((x) => 1 - x) : set };
  }

  /** One class member: a byte, or a set (class escape, POSIX class). */
  private classItem(options: Options): { byte?: number; set?: Uint8Array } {
    const b = this.p[this.at++]!;
    const c = String.fromCharCode(b);
    if (c === '[' && /^[:.=]$/.test(this.char())) return { set: this.posixClass(options) };
    if (c !== '\\') return { byte: b };
    const e = this.char();
    if (e === '') fail('a character class is never closed (PCRE refuses it)');
    this.at++;
    const set = this.classEscape(e);
    if (set) return { set };
    if (e === 'b') return { byte: 8 };
    return { byte: this.byteEscape(e) };
  }

  /** `[:name:]` or `[:^name:]` (the `[` is consumed). */
  private posixClass(options: Options): Uint8Array {
    const rest = new TextDecoder().decode(this.p.subarray(this.at, this.at + 12));
    const m = /^:(\^?)([a-z]+):\]/.exec(rest);
    if (!m || !POSIX_CLASSES[m[2]!])
      fail('it uses a `[:`, `[.` or `[=` in a character class that warren does not read');
    this.at += m![0].length;
    // PCRE: under (?i), [:upper:] and [:lower:] are [:alpha:].
    const name = options.caseless && (m![2] === 'upper' || m![2] === 'lower') ? 'alpha' : m![2]!;
    const set = bytesOf(POSIX_CLASSES[name]!);
    return m![1] ? set.map((x) => 1 - x) : set;
  }

  private group(outer: Options): { nodes: Node[]; repeatable: boolean } | 'skip' | 'reset' {
    this.at++; // (
    let options = outer;
    let look: { behind: boolean; negated: boolean } | undefined;
    if (this.char() === '*') fail('it uses a (*VERB) or option setting, which warren does not read');
    if (this.char() === '?') {
      this.at++;
      const c = this.char();
      if (c === '#') {
        const close = this.p.indexOf(41, this.at);
        if (close < 0) fail('a comment (?#… is never closed (PCRE refuses it)');
        this.at = close + 1;
        return 'skip';
      }
      if (c === ':' || c === '|') this.at++;
      else if (c === '=' || c === '!') {
        look = { behind: false, negated: c === '!' };
        this.at++;
      } else if (c === '<' && (this.char(1) === '=' || this.char(1) === '!')) {
        look = { behind: true, negated: this.char(1) === '!' };
        this.at += 2;
      } else if (c === '<' || c === "'" || (c === 'P' && this.char(1) === '<')) {
        this.groupName(c === 'P' ? '>' : c === '<' ? '>' : "'", c === 'P' ? 2 : 1);
      } else {
        const setting = this.optionLetters(outer);
        if (this.char() === ')') {
          // (?i): the rest of the enclosing group, later branches included.
          this.at++;
          Object.assign(outer, setting);
          return 'reset';
        }
        if (this.char() !== ':') fail(`it uses (?${c}…, which warren does not read`);
        this.at++;
        options = setting;
      }
    }
    const branches = this.branches(options);
    if (this.char() !== ')') fail('a group is never closed (PCRE refuses it)');
    this.at++;
    if (!look)
      return { nodes: [branches.length === 1 ? branches[0]! : { kind: 'either', branches }], repeatable: true };
    if (look.behind && branches.some((b) => fixedLength(b) === undefined))
      fail('a lookbehind has a branch of no fixed length (PCRE refuses it)');
    return { nodes: [{ kind: 'look', ...look, branches }], repeatable: false };
  }

  /** A group name up to `close` after a prefix of `skip` bytes: a name PCRE takes, once in the pattern. */
  private groupName(close: string, skip: number): void {
    this.at += skip;
    const end = this.p.indexOf(close.charCodeAt(0), this.at);
    const name = end < 0 ? '' : new TextDecoder().decode(this.p.subarray(this.at, end));
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(name)) fail('it has a group name warren does not read');
    if (this.names.has(name)) fail('two groups have one name (PCRE refuses it)');
    this.names.add(name);
    this.at = end + 1;
  }

  /** Option letters up to `)` or `:`: i, m, s, U, each optionally after a `-`. */
  private optionLetters(outer: Options): Options {
    const next = { ...outer };
    let on = true;
    for (;;) {
      const c = this.char();
      if (c === ')' || c === ':') return next;
      this.at++;
      if (c === '-' && on) on = false;
      else if (c === 'i') next.caseless = on;
      else if (c === 'm') next.multiline = on;
      else if (c === 's') next.dotall = on;
      else if (c === 'U') next.ungreedy = on;
      else fail(`it uses an inline option or group (?…${c} that warren does not read`);
    }
  }
}

function one(node: Node): { nodes: Node[]; repeatable: boolean } {
  return { nodes: [node], repeatable: true };
}

function assertion(a: Assertion): { nodes: Node[]; repeatable: boolean } {
  return { nodes: [{ kind: 'assert', assertion: a }], repeatable: false };
}

function literal(byte: number, options: Options): Node {
  const set = new Uint8Array(256);
  add(set, byte, options);
  return { kind: 'bytes', set };
}

function add(set: Uint8Array, byte: number, options: Options): void {
  set[byte] = 1;
  if (options.caseless) set[otherCase(byte)] = 1;
}

/** The number of bytes a node always matches, or undefined when that varies. */
export function fixedLength(node: Node): number | undefined {
  switch (node.kind) {
    case 'bytes':
      return 1;
    case 'assert':
    case 'look':
      return 0;
    case 'sequence': {
      let sum = 0;
      for (const item of node.items) {
        const n = fixedLength(item);
        if (n === undefined) return undefined;
        sum += n;
      }
      return sum;
    }
    case 'either': {
      const lengths = new Set(node.branches.map(fixedLength));
      return lengths.size === 1 ? [...lengths][0] : undefined;
    }
    case 'repeat': {
      // PCRE finds no fixed length for a repeat of none (`{0}`): only exact counts of one or more.
      const n = fixedLength(node.item);
      return n !== undefined && node.min === node.max && node.min > 0 ? n * node.min : undefined;
    }
  }
}
