// Preloaded (`node --require`) into @pulumi/pulumi's dynamic-provider host by
// the pulumi-resource-pulumi-nodejs launcher (install-toolchain.sh), and into
// warren's program (Pulumi.yaml's nodeargs).
//
// Why: importing @pulumi/pulumi loads the TypeScript compiler and npm's
// Arborist at once (runtime/closure: parseFunction and codePaths), about half
// of the host's start-up (measured: 1.1 s of CPU without this, 0.5 s with it,
// on a loaded 2-core machine). The host never serializes a closure, so it
// never uses them; it starts before the first dynamic resource can be checked,
// so every `pulumi up` and `preview` waits for it. This hands the SDK a
// stand-in for each that loads the real module on first use, so nothing
// changes for code that does use them.
//
// It also keeps the SDK's runner and host from registering source-map-support
// (`require("source-map-support/register")`). The SDK takes a full stack trace
// of every resource it registers (its source position) and of every promise it
// tracks; with source-map-support each frame is mapped through source maps,
// which cost a warren program ~0.3 s of CPU per run (a profile of a one-queue
// edit, docs/benchmarks.md). warren's JavaScript has no source maps, so the
// mapping only ever changed the SDK's own frames; errors warren shows users
// carry no stack at all.
'use strict';
const Module = require('node:module');
const { sep } = require('node:path');

const DEFERRED = new Set(['typescript', '@npmcli/arborist']);
const SDK = `${sep}@pulumi${sep}pulumi${sep}`;
const load = Module._load;

const SKIPPED = new Set(['source-map-support/register']);

Module._load = function (request, parent, ...rest) {
  if (SKIPPED.has(request) && parent?.filename?.includes(SDK)) return {};
  if (!DEFERRED.has(request) || !parent?.filename?.includes(SDK)) return load.call(this, request, parent, ...rest);
  let real;
  const actual = () => {
    real ??= load.call(this, request, parent, ...rest);
    return real;
  };
  // `__esModule` answered without loading: TypeScript's __importStar then keeps
  // the stand-in instead of copying every export (which would load it).
  return new Proxy(
    {},
    {
      get: (_, key) => (key === '__esModule' ? true : actual()[key]),
      has: (_, key) => key in actual(),
      ownKeys: () => Reflect.ownKeys(actual()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(actual(), key);
        if (d) d.configurable = true;
        return d;
      },
    },
  );
};
