// The lifecycle suite (support/lifecycle-suite.ts) with warren:granularity vhost: one resource per vhost's objects.
import { describeLifecycle } from './support/lifecycle-suite.js';

describeLifecycle({
  prefix: 'e2v-',
  granularity: 'vhost',
  stopBroker: false,
  names: { vhost: 'constructor', user: 'constructor' },
});
