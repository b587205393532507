// The federation, shovel and super stream suite (support/federation-suite.ts) with a resource per object.
import { describeFederation } from './support/federation-suite.js';

describeFederation({ prefix: 'e2f-', granularity: 'object' });
