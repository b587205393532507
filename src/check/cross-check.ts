// Every rule that looks across objects, run over the merged model.
import type { Finding } from '../diagnostics/diagnostic.js';
import type { TopologyModel } from '../model/topology-model.js';
import { checkBindings } from './check-bindings.js';
import { checkDeadLetters } from './check-dead-letters.js';
import { checkExchanges } from './check-exchanges.js';
import { checkFederation } from './check-federation.js';
import { checkNames } from './check-names.js';
import { checkPolicies } from './check-policies.js';
import { checkQueues } from './check-queues.js';
import { checkReplaces } from './check-replaces.js';
import { checkReservedNames } from './check-reserved-names.js';
import { checkShovels } from './check-shovels.js';
import { checkSuperStreams } from './check-super-streams.js';
import { checkUsers } from './check-users.js';

const RULES: readonly ((model: TopologyModel) => Finding[])[] = [
  checkNames,
  checkReservedNames,
  checkExchanges,
  checkQueues,
  checkReplaces,
  checkBindings,
  checkUsers,
  checkPolicies,
  checkDeadLetters,
  checkFederation,
  checkShovels,
  checkSuperStreams,
];

export function crossCheck(model: TopologyModel): Finding[] {
  return RULES.flatMap((rule) => rule(model));
}
