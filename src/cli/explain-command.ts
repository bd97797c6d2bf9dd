// `etcddoctor explain "<log line>"`: what one pasted line means and which rules it fires.
import { matchEvent } from '../engine/index.js';
import { parseLogLine } from '../parsers/line-parser.js';
import { buildExplanation, renderExplanation } from '../report/explain.js';
import { UsageError } from '../sources/errors.js';
import { EXIT_OK } from './exit-codes.js';
import type { CliIO } from './io.js';
import { writeOut } from './io.js';
import { loadCompiledRules } from './rule-catalog.js';

export async function runExplain(words: string[], opts: { format: string; rules: string[] }, io: CliIO): Promise<number> {
  const line = words.join(' ').replace(/\r?\n$/, '');
  if (line.trim() === '') throw new UsageError('explain needs a log line: etcddoctor explain "<line>"');
  const rules = await loadCompiledRules(opts.rules, io.env);
  const parsed = parseLogLine(line, { source: 'explain' });
  const matches =
    parsed.kind === 'event'
      ? rules.flatMap((rule) => {
          const m = matchEvent(rule, parsed);
          return m ? [{ rule, facts: m.facts }] : [];
        })
      : [];
  const x = buildExplanation(line, parsed, matches);
  await writeOut(io.stdout, opts.format === 'json' ? JSON.stringify(x, null, 2) + '\n' : renderExplanation(x));
  return EXIT_OK;
}
