// Inputs the property tests found, kept as plain cases so they stay fixed whatever the seed.
import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../src/parsers/line-parser.js';
import { buildExplanation, renderExplanation } from '../../src/report/explain.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { shellQuoteText } from '../../src/remedy/shell-quote.js';
import { reportFor } from '../helpers/run-pipeline.js';
import { markdownProblems } from './checks.js';

describe('found by fuzzing', () => {
  it('explain shows a bidi override, an escape sequence or a newline in a field as "?", not raw', () => {
    const line = `[WARNING] \u202eeprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead`;
    const out = renderExplanation(buildExplanation(line, parseLogLine(line), []));
    expect(out).toContain("Message:   ?eprecated '--logger=capnslog'");
    const zap = '{"level":"warn","ts":"2026-11-22T02:41:05.902Z","msg":"x\\u001b[2J","error":"a\\nNext: run rm -rf /"}';
    const z = renderExplanation(buildExplanation(zap, parseLogLine(zap), []));
    expect(z).toContain('Message:   x\n');
    expect(z).toContain('  error: a?Next: run rm -rf /\n');
  });

  it('Markdown keeps every command of a plan step inside its code block', async () => {
    const md = renderMarkdown(await reportFor('real/capnslog/tls-bad-cert'));
    expect(markdownProblems(md)).toEqual([]);
    expect(md).toContain('   openssl verify -CAfile <trusted-ca-file> <cert-file>\n   ```');
  });

  it('script text lines carry no bidi override or C1 control (a reviewer reading fix.sh sees the real order)', () => {
    expect(shellQuoteText('cannot replace etcd\u202eCANARY3 \u2066x\u2069 \u009b2J')).toBe("'cannot replace etcd CANARY3  x   2J'");
  });
});
