// `etcddoctor rules list|show|check`: the catalog as a table, one rule in full, and a check of a
// folder of custom rules (schema, regexes, ids, and their own examples).
// cli-table3 (list as a table) and the example runners (check) are imported by the commands that
// use them; list and show read the catalog through the CLI's cache.
import type { LoadedRule } from '../rules/load.js';
import { UsageError } from '../sources/errors.js';
import { EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS } from './exit-codes.js';
import type { CliIO } from './io.js';
import { writeOut } from './io.js';
import { loadCatalog } from './rule-catalog.js';

function requiresText(r: LoadedRule['rule']): string {
  const req = r.requires;
  if (req === undefined) return 'logs';
  if (typeof req === 'string') return req;
  const anyOf = (req as { anyOf?: string[] }).anyOf;
  const allOf = (req as { allOf?: string[] }).allOf;
  return anyOf ? anyOf.join(' or ') : allOf ? allOf.join(' and ') : 'logs';
}

export async function runRulesList(opts: { format: string; rules: string[] }, io: CliIO): Promise<number> {
  const rules = (await loadCatalog(opts.rules, io.env)).sort((a, b) => a.rule.id.localeCompare(b.rule.id));
  if (opts.format === 'json') {
    const rows = rules.map(({ rule, file, builtin }) => ({
      id: rule.id,
      title: rule.title,
      severity: rule.severity,
      diagnosis: rule.diagnosis ?? null,
      requires: requiresText(rule),
      versions: rule.versions ?? [],
      file,
      builtin,
    }));
    await writeOut(io.stdout, JSON.stringify(rows, null, 2) + '\n');
    return EXIT_OK;
  }
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['RULE', 'SEVERITY', 'DIAGNOSIS', 'INPUT', 'TITLE'], style: { head: [], border: [] }, wordWrap: true, colWidths: [36, 10, 22, 16, 60] });
  for (const { rule } of rules) table.push([rule.id, rule.severity, rule.diagnosis ?? '-', requiresText(rule), rule.title]);
  await writeOut(io.stdout, `${table.toString()}\n${rules.length} rules.\n`);
  return EXIT_OK;
}

export async function runRulesShow(id: string, opts: { format: string; rules: string[] }, io: CliIO): Promise<number> {
  const rules = await loadCatalog(opts.rules, io.env);
  const found = rules.find((r) => r.rule.id === id);
  if (!found) {
    const near = rules.map((r) => r.rule.id).filter((x) => x.includes(id) || id.includes(x)).slice(0, 5);
    throw new UsageError(`no rule "${id}"${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}; etcddoctor rules list shows them all`);
  }
  const { rule, file } = found;
  if (opts.format === 'json') {
    await writeOut(io.stdout, JSON.stringify({ ...rule, file }, null, 2) + '\n');
    return EXIT_OK;
  }
  const out: string[] = [
    `${rule.id}: ${rule.title}`,
    `severity: ${rule.severity}    diagnosis: ${rule.diagnosis ?? '-'}    input: ${requiresText(rule)}    versions: ${(rule.versions ?? []).join(', ') || '-'}`,
    `file: ${file}`,
    '',
    rule.description.trim(),
  ];
  if (rule.threshold) out.push('', `Fires at ${rule.threshold.count} matches within ${rule.threshold.within} per ${rule.threshold.per ?? 'node'}.`);
  if ((rule.references ?? []).length > 0) out.push('', 'References:', ...(rule.references ?? []).map((r) => `  ${r}`));
  out.push('', 'Matches, for example:', ...rule.examples.match.map((e) => `  ${e.split('\n').join('\n  ')}`));
  out.push('', 'Does not match:', ...rule.examples.nomatch.map((e) => `  ${e.split('\n').join('\n  ')}`));
  await writeOut(io.stdout, out.join('\n') + '\n');
  return EXIT_OK;
}

/** Validate a folder of rules against the schema and the catalog, then run their examples. */
export async function runRulesCheck(dir: string, io: CliIO): Promise<number> {
  const [{ readRules, ruleSources }, { compileRule }, { formatExampleFailure, runRuleExamples }, { projectExampleParsers }] = await Promise.all([
    import('../rules/load.js'),
    import('../rules/compile.js'),
    import('../engine/examples.js'),
    import('../pipeline/example-parsers.js'),
  ]);
  const { rules, errors } = await readRules(ruleSources([dir], true));
  const mine = rules.filter((r) => !r.builtin);
  for (const e of errors) await writeOut(io.stderr, `${e.message}\n`);
  if (mine.length === 0 && errors.length === 0) throw new UsageError(`${dir}: no rule files (*.yaml) found`);
  let failures = 0;
  for (const { rule, file } of mine) {
    const fails = runRuleExamples(compileRule(rule), projectExampleParsers(file));
    failures += fails.length;
    for (const f of fails) await writeOut(io.stderr, `${formatExampleFailure(file, f)}\n`);
  }
  await writeOut(
    io.stdout,
    `${mine.length} rule(s) checked in ${dir}: ${errors.length} file error(s), ${failures} example failure(s).\n`,
  );
  if (errors.length > 0) return EXIT_ERROR;
  return failures > 0 ? EXIT_PROBLEMS : EXIT_OK;
}
