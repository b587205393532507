// The character tables of the PCRE that RabbitMQ matches policy patterns
// with: Erlang/OTP 25's bundled PCRE 8.44, in non-UTF mode, whose tables are
// ISO Latin-1 (Erlang's `re` says so: "only ISO Latin-1 properties are used").
// A name is matched as its UTF-8 bytes, so these are sets of bytes: `\w`
// holds 0xC3 (Latin-1 `Ã`), the first byte of `é`, but not 0xA9 (`©`), its
// second. Each set is written as ranges of bytes, as `erl` reports them;
// test/model/match-names.test.ts asks `erl` again and compares, byte by byte.

/** Byte ranges, a single byte standing for itself. */
type Ranges = readonly (number | readonly [number, number])[];

const LATIN1_WORD: Ranges = [[48, 57], [65, 90], 95, [97, 122], 170, 181, 186, [192, 214], [216, 246], [248, 255]];
const LATIN1_ALPHA: Ranges = [[65, 90], [97, 122], 170, 181, 186, [192, 214], [216, 246], [248, 255]];

/** `\d`, `\s`, `\w`, `\h`, `\v`; the upper-case escapes are their complements. */
export const ESCAPE_CLASSES: Readonly<Record<string, Ranges>> = {
  d: [[48, 57]],
  s: [[9, 13], 32],
  w: LATIN1_WORD,
  h: [9, 32, 160],
  v: [[10, 13], 133],
};

/** POSIX classes (`[[:alpha:]]`), as PCRE 8.44 reads them with these tables (`[:ascii:]` really is every byte there). */
export const POSIX_CLASSES: Readonly<Record<string, Ranges>> = {
  alpha: LATIN1_ALPHA,
  digit: [[48, 57]],
  alnum: [[48, 57], ...LATIN1_ALPHA],
  space: [[9, 13], 32],
  upper: [
    [65, 90],
    [192, 214],
    [216, 222],
  ],
  lower: [[97, 122], 170, 181, 186, [223, 246], [248, 255]],
  punct: [[33, 47], [58, 64], [91, 96], [123, 126], [160, 169], [171, 180], [182, 185], [187, 191], 215, 247],
  print: [
    [32, 126],
    [160, 255],
  ],
  graph: [
    [33, 126],
    [160, 255],
  ],
  cntrl: [
    [0, 31],
    [127, 159],
  ],
  xdigit: [
    [48, 57],
    [65, 70],
    [97, 102],
  ],
  blank: [9, 32],
  word: LATIN1_WORD,
  ascii: [[0, 255]],
};

/** A byte's other case under `(?i)`, or the byte itself: A–Z and a–z, and Latin-1 0xC0–0xDE (but 0xD7) with 0xE0–0xFE. */
export function otherCase(byte: number): number {
  if ((byte >= 65 && byte <= 90) || (byte >= 192 && byte <= 222 && byte !== 215)) return byte + 32;
  if ((byte >= 97 && byte <= 122) || (byte >= 224 && byte <= 254 && byte !== 247)) return byte - 32;
  return byte;
}

/** Whether a byte is a word character (`\b`, `\B`). */
export const IS_WORD: Uint8Array = bytesOf(LATIN1_WORD);

/** A set of bytes as 256 flags. */
export function bytesOf(ranges: Ranges): Uint8Array {
  const set = new Uint8Array(256);
  for (const r of ranges) {
    const [from, to] = typeof r === 'number' ? [r, r] : r;
    set.fill(1, from, to + 1);
  }
  return set;
}
