// Runs a rule's own examples: every examples.match line (or etcdctl output, or docker inspect
// JSON) must fire it, no examples.nomatch one may. Shared by test/rules.test.ts and `etcddoctor
// rules check DIR`; the parsers come in as arguments so the engine does not depend on them.
import type { ClusterSnapshot } from '../model/cluster.js';
import { emptySnapshot } from '../model/cluster-values.js';
import type { ContainerInfo } from '../model/container.js';
import type { ParsedLine } from '../model/event.js';
import type { CompiledRule } from '../rules/compile.js';
import { matchEvent } from './match.js';

export interface ExampleParsers {
  /** The project's log line parser (parseLogLine). */
  parseLine(text: string): ParsedLine;
  /** Reads a block of etcdctl output into a snapshot (the etcdctl reader). */
  readSnapshot(block: string): ClusterSnapshot;
  /** Reads `docker inspect` JSON into containers, for rules that require docker. */
  readContainers?(block: string): ContainerInfo[];
}

export interface ExampleFailure {
  rule: string;
  kind: 'match' | 'nomatch';
  index: number;
  example: string;
  reason: string;
}

/** The examples of `rule` that do not behave as declared; empty when all do. Thresholds aside: one event at a time. */
export function runRuleExamples(rule: CompiledRule, parsers: ExampleParsers): ExampleFailure[] {
  const failures: ExampleFailure[] = [];
  const { examples } = rule.source;
  const run = (kind: 'match' | 'nomatch', list: readonly string[]) => {
    list.forEach((example, index) => {
      const fail = (reason: string) => failures.push({ rule: rule.id, kind, index, example, reason });
      const judgeHits = (hits: number) => {
        if (kind === 'match' && hits === 0) fail(`check ${rule.checkName} found nothing`);
        if (kind === 'nomatch' && hits > 0) fail(`check ${rule.checkName} fired ${hits} time(s)`);
      };
      if (rule.check && rule.requires.inputs.includes('docker')) {
        // A docker rule's example is what `docker inspect A B ...` printed: the check sees those containers.
        if (!parsers.readContainers) return fail('no docker inspect reader was given to run this example');
        let containers: ContainerInfo[];
        try {
          containers = parsers.readContainers(example);
        } catch (err) {
          return fail(`not docker inspect JSON: ${(err as Error).message}`);
        }
        if (containers.length === 0) return fail('docker inspect JSON with no container');
        return judgeHits(rule.check({ ...emptySnapshot(), containers }).length);
      }
      if (rule.check) {
        let snapshot: ClusterSnapshot;
        try {
          snapshot = parsers.readSnapshot(example);
        } catch (err) {
          fail(`the etcdctl reader failed: ${(err as Error).message}`);
          return;
        }
        if (snapshot.outputs.length === 0) return fail('not etcdctl output the reader recognises');
        return judgeHits(rule.check(snapshot).length);
      }
      const parsed = parsers.parseLine(example);
      if (parsed.kind !== 'event') return fail(`the line does not parse (${parsed.reason})`);
      const m = matchEvent(rule, parsed);
      if (kind === 'match' && m === null) fail(`no matcher matched (msg ${JSON.stringify(parsed.msg)}, level ${parsed.level}, component ${parsed.component})`);
      if (kind === 'nomatch' && m !== null) fail(`match[${m.matcher}] matched`);
    });
  };
  run('match', examples.match);
  run('nomatch', examples.nomatch);
  return failures;
}

/** One line per failure: `rules/x.yaml: examples.match[0]: no matcher matched (...)`. */
export function formatExampleFailure(file: string, f: ExampleFailure): string {
  return `${file}: examples.${f.kind}[${f.index}]: ${f.reason}: ${f.example.split('\n')[0]}`;
}
