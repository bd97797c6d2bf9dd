// The shape of a rule's scenario expectations (test/rule-scenarios/*.ts).
export interface RuleScenario {
  rule: string;
  /** Fixture folders under fixtures/ where the rule fires; `folder:node,node` pins the nodes. */
  fires: string[];
  /** Fixture folders where it must not fire. */
  quiet: string[];
}
