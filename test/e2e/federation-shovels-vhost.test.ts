// The federation, shovel and super stream suite (support/federation-suite.ts) with warren:granularity vhost:
// the vhost's exchanges, queues and bindings are one resource, its runtime parameters resources of their own.
import { describeFederation } from './support/federation-suite.js';

describeFederation({ prefix: 'e2g-', granularity: 'vhost' });
