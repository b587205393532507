// One loaded file (a topology, a stack file, a definitions export), read by
// warren's one YAML reader (read-yaml.ts). A clean file is read once, at
// js-yaml's speed. Whatever must be reported (a syntax error, a duplicate or
// misread key, a directive, an alias out of bounds, a finding of a later
// stage) makes the same parser read it again with positions (place-nodes.ts),
// so data, positions and refusals all come from one reading.
import { finding, parsePointer, type Finding, type Target } from '../diagnostics/diagnostic.js';
import {
  findAlias,
  findDuplicateKeys,
  findMergeKeys,
  findNumberSpellings,
  findRenamedKeys,
} from './find-misreadings.js';
import { findPlace } from './find-place.js';
import { LineIndex } from './line-index.js';
import { hasSuspectKey, MAX_ALIAS_VALUES, measureData } from './measure-data.js';
import { placeNodes, type Placement } from './place-nodes.js';
import { isYamlError, loadYaml, MAX_DEPTH, type YamlError } from './read-yaml.js';

// Cheap tests on the text for what js-yaml's data cannot show; each only
// sends the file to the placed reading, so a false positive costs time, never
// an answer. Each test runs only if the text holds its character at all (a
// search far cheaper than the test). A BOM may precede the first line's token.
const NEEDS_PLACES: readonly (readonly [string, RegExp])[] = [
  // A directive (`%YAML 1.1`) stands at the start of a line.
  ['%', /^\uFEFF?%/m],
  // A key that is a list of one string has that string as its name in the data:
  // a flow collection before `:`, or an explicit `?` key.
  [':', /[\]}][ \t]*:/],
  ['?', /[\s[{,]\?(?:\s|$)|^\uFEFF?\?(?:\s|$)/m],
  // Properties: an anchor (and so aliases, which may make the data a graph, and
  // name a collection as a key) or a tag, both of which js-yaml can misread.
  ['&', /[\s[{,:]&|^\uFEFF?&/m],
  ['!', /[\s[{,:]!|^\uFEFF?!/m],
  // A `-` after an empty entry (a line that ends in a `-`), which js-yaml can misread.
  ['-', /(?:^|[\s\uFEFF])-[ \t]*(?:#[^\n\r]*)?[\n\r]/m],
  // A number YAML 1.2 reads as a string (0b11, -0x1F, +0o17).
  ['0', /0b[01]|[-+]0[xo]/],
];

function needsPlaces(text: string): boolean {
  return NEEDS_PLACES.some(([char, hint]) => text.includes(char) && hint.test(text));
}

export class SourceFile {
  /** Parsed data; undefined when the file cannot be read as one topology document. */
  data: unknown;
  readonly findings: Finding[] = [];
  private placement: Placement | undefined;
  private lines: LineIndex | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.read();
  }

  /**
   * Line and column (1-based) of a UTF-16 offset. Lines break at LF, CRLF and
   * a lone CR, as YAML's do; columns count code points, as editors show them.
   */
  linePos(offset: number): { line: number; col: number } {
    this.lines ??= new LineIndex(this.text);
    return this.lines.linePos(offset);
  }

  /** Line and column of what a JSON pointer names (or of its key); positions are found on first use. */
  locate(pointer: string, target: Target): { line: number; col: number } {
    const placement = this.placed();
    const nodeOf = (object: object) => placement.nodeOf(object);
    return this.linePos(findPlace(placement.root(), parsePointer(pointer), target, nodeOf));
  }

  private placed(): Placement {
    this.placement ??= placeNodes(this.text);
    return this.placement;
  }

  private read(): void {
    const warnings: YamlError[] = [];
    let data: unknown;
    try {
      data = loadYaml(this.text, warnings);
    } catch (error) {
      if (!isYamlError(error)) throw error;
      this.readPlaced();
      return;
    }
    // Without an anchor the data is a tree: only its keys are left to look at.
    if (warnings.length > 0 || needsPlaces(this.text) || hasSuspectKey(data)) {
      this.readPlaced();
      return;
    }
    this.accept(data);
  }

  /** The reading with positions: everything the fast one could not vouch for is decided here. */
  private readPlaced(): void {
    const placement = this.placed();
    if (placement.error) {
      this.fail('yaml-syntax', syntaxMessage(placement.error.message), placement.error.at);
      return;
    }
    if (placement.secondDocumentAt !== undefined) {
      this.fail(
        'yaml-syntax',
        'a topology file holds one YAML document; put further documents in files of their own',
        placement.secondDocumentAt,
      );
      return;
    }
    if (placement.version !== null && placement.version !== '1.2') {
      // YAML 1.1 reads yes, on, 0b1, 010, 1:30 and `<<` otherwise than 1.2 does.
      this.fail(
        'yaml-unsupported',
        `%YAML ${placement.version}: warren reads YAML 1.2, where yes/no, sexagesimal and octal numbers and merge keys read otherwise; remove the directive (or write %YAML 1.2)`,
        directiveAt(this.text),
      );
      return;
    }
    const misreading = placement.misreadings()[0];
    if (misreading) {
      this.fail('yaml-unsupported', misreading.message, misreading.at);
      return;
    }
    // What js-yaml reads but only warns about, other readers refuse or ignore.
    const warning = placement.warnings[0];
    if (warning) {
      const directive = /directive/.test(warning.message);
      const message = /deficient indentation/.test(warning.message)
        ? 'this line of a quoted scalar must be indented more than the key the scalar belongs to'
        : warning.message;
      this.fail(directive ? 'yaml-unsupported' : 'yaml-syntax', message, warning.at);
      return;
    }
    const root = placement.root();
    const data = placement.documents[0];
    if (!root || data === undefined || data === null) {
      this.accept(data);
      return;
    }
    const shape = measureData(data);
    const problem = shape.cycle ? 'cycle' : shape.tooLarge ? 'tooLarge' : shape.tooDeep ? 'tooDeep' : undefined;
    if (problem) {
      const alias = findAlias(root, problem);
      const name = alias ? this.text.slice(alias.at, alias.end) : 'an alias';
      const why =
        problem === 'cycle'
          ? `alias \`${name}\` names a node that contains it: the data would be endless`
          : problem === 'tooLarge'
            ? `aliases would add more than ${MAX_ALIAS_VALUES.toLocaleString('en')} values to the data (an alias bomb)`
            : `alias \`${name}\` nests the data more than ${MAX_DEPTH} levels deep`;
      this.fail('yaml-alias-limit', why, alias?.at ?? 0);
      return;
    }
    const merges = findMergeKeys(root);
    if (merges.length > 0) {
      for (const at of merges)
        this.fail(
          'yaml-unsupported',
          'a plain `<<` is a merge key in YAML 1.1 and an ordinary key in YAML 1.2, which warren reads; write the keys out, or quote it ("<<") for a name',
          at,
        );
      return;
    }
    const spellings = findNumberSpellings(this.text, root);
    if (spellings.length > 0) {
      for (const leaf of spellings) {
        const text = this.text.slice(leaf.at, leaf.end);
        this.fail(
          'yaml-unsupported',
          `\`${text}\` is the number ${String(leaf.value)} here (as in YAML 1.1) but the string "${text}" in YAML 1.2: write ${String(leaf.value)}, or quote it`,
          leaf.at,
        );
      }
      return;
    }
    // Not spread into push: a file can hold a few hundred thousand of them.
    for (const found of [findDuplicateKeys(this, root), findRenamedKeys(this, root)])
      for (const f of found) this.findings.push(f);
    this.accept(data);
  }

  private accept(data: unknown): void {
    if (data === undefined || data === null) {
      this.fail('file-empty', 'the file holds no topology (expected a mapping starting with `version: 1`)', 0);
      return;
    }
    this.data = data;
  }

  private fail(
    code: 'yaml-syntax' | 'yaml-unsupported' | 'yaml-alias-limit' | 'file-empty',
    message: string,
    at: number,
  ) {
    this.data = undefined;
    const { line, col } = this.linePos(at);
    this.findings.push(finding(code, { file: this.file, pointer: '' }, message, { line, col }));
  }
}

function syntaxMessage(reason: string): string {
  return /maxDepth/.test(reason) ? 'the document is nested too deeply to read' : reason;
}

/** Where the `%YAML` directive stands: before the document's content, so the first line that starts with it. */
function directiveAt(text: string): number {
  const found = /^\uFEFF?%YAML/m.exec(text);
  if (!found) return 0;
  return found.index + (found[0].startsWith('\uFEFF') ? 1 : 0);
}
