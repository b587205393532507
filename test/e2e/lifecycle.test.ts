// The lifecycle suite (support/lifecycle-suite.ts) with a resource per broker object (granularity object, the
// default before issue 24).
import { describeLifecycle } from './support/lifecycle-suite.js';

describeLifecycle({ prefix: 'e2e-', stopBroker: true, names: { vhost: '__proto__', user: '__proto__' } });
