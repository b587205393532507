// The environment variables warren reads that hold a number or a flag: one
// table, and one reading of each, used by the CLI, the Pulumi program, the
// dynamic providers and the benchmark alike. A value that is not what the
// table says is an error that names the variable, never a silent default:
// `WARREN_MANAGEMENT_TIMEOUT_MS=3e9` would otherwise become a 1 ms deadline
// (Node's timers overflow past 2^31 - 1 ms), and `WARREN_MAX_FILE_BYTES`
// above the longest string V8 can make would turn a large file into a false
// "not UTF-8". Unset and empty are the same: the default.
import { constants } from 'node:buffer';

// The value when unset is `unset`, not `default` (a name from when Pulumi's closure serializer copied the
// dynamic providers, this table with them, and took an object with a `default` key for a module wrapper).
interface WholeNumber {
  readonly kind: 'whole';
  /** Who reads it: warren (its CLI, program and providers), or only `npm run bench`. */
  readonly for: 'warren' | 'bench';
  readonly min: number;
  readonly max: number;
  readonly unset: number;
  /** What the number counts, for messages. */
  readonly unit: string;
}

interface Flag {
  readonly kind: 'flag';
  readonly for: 'warren';
  readonly unset: boolean;
}

/** Node's timers (setTimeout, AbortSignal.timeout) take at most 2^31 - 1 ms; more becomes 1 ms. */
const LONGEST_TIMER_MS = 2_147_483_647;

export const ENVIRONMENT = {
  // A file's bytes become one string: UTF-8 never decodes to more UTF-16 units than it has bytes.
  WARREN_MAX_FILE_BYTES: {
    kind: 'whole',
    for: 'warren',
    min: 1,
    max: constants.MAX_STRING_LENGTH,
    unset: 64 * 1024 * 1024,
    unit: 'bytes',
  },
  WARREN_MANAGEMENT_TIMEOUT_MS: {
    kind: 'whole',
    for: 'warren',
    min: 1,
    max: LONGEST_TIMER_MS,
    unset: 30_000,
    unit: 'milliseconds',
  },
  WARREN_BROKER_INSECURE: { kind: 'flag', for: 'warren', unset: false },
  // `npm run bench`: how many runs each median is taken of.
  BENCH_RUNS: { kind: 'whole', for: 'bench', min: 1, max: 1000, unset: 7, unit: 'runs' },
} as const satisfies Record<string, WholeNumber | Flag>;

export type EnvironmentName = keyof typeof ENVIRONMENT;
type ValueOf<N extends EnvironmentName> = (typeof ENVIRONMENT)[N] extends WholeNumber ? number : boolean;

/** A variable whose value is not what the table allows; its message names the variable. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    // Shown as a message wherever it ends (a usage error, a RunError, a provider's error), never as a trace.
    this.stack = '';
  }
}

/** The value of `name`, or its default when unset or empty; throws EnvironmentError when it does not parse. */
export function readEnvironment<N extends EnvironmentName>(name: N, env: NodeJS.ProcessEnv = process.env): ValueOf<N> {
  const spec: WholeNumber | Flag = ENVIRONMENT[name];
  const raw = env[name];
  if (raw === undefined || raw === '') return spec.unset as ValueOf<N>;
  const value = parse(spec, raw);
  if (value === undefined) throw new EnvironmentError(`${name} must be ${expected(spec)}, not \`${shorten(raw)}\``);
  return value as ValueOf<N>;
}

/** Why each of `names` cannot be read, for a command or program to refuse before it does anything. */
export function environmentProblems(names: readonly EnvironmentName[], env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  for (const name of names) {
    try {
      readEnvironment(name, env);
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}

/** What a value of `name` may be, for help texts: `a whole number of bytes from 1 to …`. */
export function describeEnvironment(name: EnvironmentName): string {
  const spec: WholeNumber | Flag = ENVIRONMENT[name];
  return `${expected(spec)}, default ${spec.unset}`;
}

export function isEnvironmentName<T extends string>(name: T): name is T & EnvironmentName {
  return Object.hasOwn(ENVIRONMENT, name);
}

function parse(spec: WholeNumber | Flag, raw: string): number | boolean | undefined {
  if (spec.kind === 'flag') return raw === 'true' ? true : raw === 'false' ? false : undefined;
  // Digits only: no sign, exponent, fraction, spaces, separators or leading zeros (`1e3`, ` 5`, `0x10`, `010`).
  if (!/^(0|[1-9][0-9]{0,15})$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= spec.min && n <= spec.max ? n : undefined;
}

function expected(spec: WholeNumber | Flag): string {
  return spec.kind === 'flag' ? 'true or false' : `a whole number of ${spec.unit} from ${spec.min} to ${spec.max}`;
}

/** The value as typed, cut short: it is echoed in a one-line message. */
function shorten(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
}
