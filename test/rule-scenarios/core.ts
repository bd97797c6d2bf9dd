// Scenarios of the engine's first rules.
import type { RuleScenario } from '../helpers/rule-scenario.js';

export const scenarios: RuleScenario[] = [
  {
    rule: 'request-cluster-id-mismatch',
    fires: ['real/capnslog/cluster-id-mismatch'],
    quiet: ['real/capnslog/healthy', 'real/capnslog/peer-stopped'],
  },
];
