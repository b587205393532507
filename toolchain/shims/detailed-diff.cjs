// Preloaded (`node --require`) into @pulumi/pulumi's dynamic-provider host by
// the pulumi-resource-pulumi-nodejs launcher (install-toolchain.sh).
//
// Why: the Node SDK's dynamic providers cannot return a detailed diff
// (pulumi/pulumi#3080), and without one `pulumi preview --diff` prints every
// input of an updated resource. For warren:VHostObjects, one resource that
// holds a whole vhost's exchanges, queues, bindings and policies, that is
// thousands of unchanged lines around one changed object. This wraps the
// host's Diff: when a warren:* resource has changes, it adds a detailed diff
// of its inputs, down to the changed field of each changed object, so the
// display names exactly what changes. Nothing else is touched: the change
// decision and replacements stay the provider's.
'use strict';
const { createRequire } = require('node:module');
const { join } = require('node:path');

// Resolve the host's own copies of gRPC and the protocol, not ours.
const hostRequire = createRequire(join(process.argv[1] || process.cwd(), 'index.js'));
const grpc = hostRequire('@grpc/grpc-js');
const provproto = hostRequire('@pulumi/pulumi/proto/provider_pb');
const Kind = provproto.PropertyDiff.Kind;
/** Inputs compared as one value: secrets and lists. */
const LEAVES = new Set(['connection', '__provider']);

const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, implementation) {
  if (!service.diff || typeof implementation.diff !== 'function') return addService.call(this, service, implementation);
  const wrapped = Object.create(implementation);
  wrapped.diff = (call, callback) =>
    implementation.diff(call, (error, resp) => {
      if (!error && resp) {
        try {
          addDetailedDiff(call.request, resp);
        } catch (e) {
          // The display is a courtesy: never fail a diff over it.
          console.error(`warren: no detailed diff (${e?.message})`);
        }
      }
      callback(error, resp);
    });
  return addService.call(this, service, wrapped);
};

function addDetailedDiff(request, resp) {
  if (!/::pulumi-nodejs:dynamic\/warren:|\$pulumi-nodejs:dynamic\/warren:/.test(request.getUrn())) return;
  if (resp.getChanges() !== provproto.DiffResponse.DiffChanges.DIFF_SOME || resp.getHasdetaileddiff()) return;
  const olds = request.getOlds() ? request.getOlds().toJavaScript() : {};
  const news = request.getNews() ? request.getNews().toJavaScript() : {};
  const replaces = new Set(resp.getReplacesList());
  const out = new Map();
  for (const key of new Set([...Object.keys(olds), ...Object.keys(news)])) {
    if (key === '__provider') continue;
    walk(propertyName(key), olds[key], news[key], !LEAVES.has(key), out);
  }
  const map = resp.getDetaileddiffMap();
  for (const [path, kind] of out) {
    const top = path.split(/[.[]/)[0];
    const diff = new provproto.PropertyDiff();
    diff.setKind(
      replaces.has(top)
        ? { [Kind.ADD]: Kind.ADD_REPLACE, [Kind.DELETE]: Kind.DELETE_REPLACE, [Kind.UPDATE]: Kind.UPDATE_REPLACE }[kind]
        : kind,
    );
    diff.setInputdiff(true);
    map.set(path, diff);
  }
  resp.setHasdetaileddiff(true);
}

/** Records the paths where `a` and `b` differ: added and deleted keys, and changed leaves (lists are leaves). */
function walk(path, a, b, descend, out) {
  if (same(a, b)) return;
  if (a === undefined) return void out.set(path, Kind.ADD);
  if (b === undefined) return void out.set(path, Kind.DELETE);
  if (!descend || !isObject(a) || !isObject(b)) return void out.set(path, Kind.UPDATE);
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk(path + index(key), a[key], b[key], true, out);
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function same(a, b) {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted(v[k])]),
    );
  return v;
}

/** A top-level name, as Pulumi writes property paths. */
function propertyName(key) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : `["${key.replace(/"/g, '\\"')}"]`;
}

/** A key inside an object: always the quoted form, which holds any name (`.`, `>`, `[` and spaces occur in warren's keys). */
function index(key) {
  return `["${key.replace(/"/g, '\\"')}"]`;
}
