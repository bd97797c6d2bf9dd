// The runtime values of src/rules/schema.ts (the input names, what `requires` asks for, durations),
// without zod: code that is no schema imports them from here, so that a run whose rules come from
// the catalog cache never loads zod (test/cli/startup.test.ts).
import type { InputName, Requires } from './schema.js';

/** The inputs a rule can need. `logs` is the default; the others are etcdctl outputs. */
export const INPUT_NAMES = ['logs', 'member-list', 'endpoint-health', 'endpoint-status', 'alarm-list', 'docker'] as const;

/** The inputs named by `requires`, and whether all of them or any one is needed. */
export function requiredInputs(requires: Requires): { inputs: InputName[]; all: boolean } {
  if (typeof requires === 'string') return { inputs: [requires], all: true };
  if ('anyOf' in requires) return { inputs: requires.anyOf, all: false };
  return { inputs: requires.allOf, all: true };
}

export function describeRequires(requires: Requires): string {
  const { inputs, all } = requiredInputs(requires);
  return inputs.join(all ? ' and ' : ' or ');
}

/** Milliseconds of a duration like 60s. The schema has checked the shape. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`bad duration ${text}`);
  const n = Number(m[1]);
  const unit = m[2];
  return unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
}
