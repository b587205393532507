// `npm run bench:wire`: what one vhost group of the 10,000-queue topology
// costs to cross Pulumi's wire in Node, in each form its inputs could take,
// without the engine: the program's side (the SDK's serializeProperties, then
// protobuf's Struct.fromJavaScript and serializeBinary, as registerResource
// does) and the dynamic-provider host's side of one Check (each of the old and
// new inputs read from protobuf, and the answer written back). Medians of 7.
// It shows why a group's objects travel as one JSON text each
// (plan/object-texts.ts) and not as nested maps.
import { createRequire } from 'node:module';
import { encodeObjects } from '../src/plan/object-texts.js';
import { groupByVhost } from '../src/plan/vhost-objects.js';
import { toWire } from '../src/pulumi/dynamic/wire-keys.js';
import { planText } from './plan-text.js';
import { generateTopology } from './generate-topology.js';

const require = createRequire(import.meta.url);
type Struct = { serializeBinary(): Uint8Array; toJavaScript(): Record<string, unknown> };
const structproto = require('google-protobuf/google/protobuf/struct_pb.js') as {
  Struct: { fromJavaScript(v: unknown): Struct; deserializeBinary(b: Uint8Array): Struct };
};
const rpc = require('@pulumi/pulumi/runtime/rpc.js') as {
  serializeProperties(label: string, props: Record<string, unknown>): Promise<Record<string, unknown>>;
};

async function ms<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < 7; i++) {
    const start = process.hrtime.bigint();
    value = await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { ms: times[3]!, value };
}

const text = generateTopology({ vhosts: 10, queuesPerVhost: 1000 });
const plan = planText('large.yaml', text);
const group = groupByVhost(plan, false)[3]!;
const count = Object.values(group.objects).reduce((n, m) => n + Object.keys(m).length, 0);
console.log(`one vhost group of the 10,000-queue topology: ${count} objects\n`);
const forms: [string, unknown][] = [
  ['nested maps (warren before issue 24)', group.objects],
  ['one JSON text per object (warren now)', encodeObjects(group.objects)],
  ['one JSON text for the group (no per-object diff)', JSON.stringify(group.objects)],
];
console.log(
  `${'form'.padEnd(50)} ${'bytes'.padStart(9)} ${'program'.padStart(10)} ${'host Check'.padStart(11)}  (ms, medians of 7)`,
);
for (const [name, objects] of forms) {
  const inputs = toWire({ vhost: group.vhost, protectedQueues: [], objects });
  const program = await ms(async () => {
    const serialized = await rpc.serializeProperties('bench', inputs);
    return structproto.Struct.fromJavaScript(serialized).serializeBinary();
  });
  const bytes = program.value;
  // Check: the old and the new inputs read, the inputs written back.
  const host = await ms(() => {
    const olds = structproto.Struct.deserializeBinary(bytes).toJavaScript();
    structproto.Struct.deserializeBinary(bytes).toJavaScript();
    return structproto.Struct.fromJavaScript(olds).serializeBinary();
  });
  console.log(
    `${name.padEnd(50)} ${bytes.length.toLocaleString('en-US').padStart(9)} ${program.ms.toFixed(0).padStart(10)} ${host.ms.toFixed(0).padStart(11)}`,
  );
}
