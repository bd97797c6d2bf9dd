// Parsers for `etcdctl endpoint health`: simple lines (stdout and stderr), -w table and -w json.
import { makeOutput, type ParsedOutput } from './types.js';
import { isObject, parseBoolText } from './values.js';
import type { TableRow } from './table.js';

const HEALTHY = /^(\S+) is healthy: successfully committed proposal: took = (\S+)$/;
const UNHEALTHY = /^(\S+) is unhealthy: failed to commit proposal: (.*)$/;
const UNHEALTHY_CLUSTER = /^Error: unhealthy cluster$/;

/**
 * One line of `etcdctl endpoint health` (simple). The unhealthy lines and the final error go to stderr:
 *   http://127.0.0.1:40112 is healthy: successfully committed proposal: took = 2.66661ms
 *   http://127.0.0.1:40113 is unhealthy: failed to commit proposal: context deadline exceeded
 *   Error: unhealthy cluster
 * In 3.5+ a healthy endpoint with an alarm is unhealthy with "Active Alarm(s): NOSPACE ".
 */
export function parseEndpointHealthLine(line: string): ParsedOutput | null {
  const text = line.trim();
  let m = HEALTHY.exec(text);
  if (m) {
    return makeOutput('endpoint-health', [
      { type: 'endpoint', endpoint: m[1] ?? '', fields: { health: true, took: m[2] ?? null, error: null } },
    ]);
  }
  m = UNHEALTHY.exec(text);
  if (m) {
    return makeOutput('endpoint-health', [
      { type: 'endpoint', endpoint: m[1] ?? '', fields: { health: false, error: (m[2] ?? '').trim() } },
    ]);
  }
  if (UNHEALTHY_CLUSTER.test(text)) return makeOutput('endpoint-health');
  return null;
}

/** Whether table headers are those of `endpoint health -w table` (ENDPOINT, HEALTH, TOOK, ERROR). */
export function isEndpointHealthHeader(headers: string[]): boolean {
  return headers[0] === 'ENDPOINT' && headers.includes('HEALTH');
}

/**
 * One data row of `etcdctl endpoint health -w table` (a wrapped ERROR cell already joined):
 *   | http://127.0.0.1:40113 |  false |  3.0009245s | context deadline exceeded |
 */
export function parseEndpointHealthRow(row: TableRow): ParsedOutput {
  const health = parseBoolText(row.get('HEALTH') ?? '');
  const endpoint = row.get('ENDPOINT') ?? '';
  if (health === null || endpoint === '') {
    return makeOutput('endpoint-health', [], ['endpoint health table row has an unreadable ENDPOINT or HEALTH cell']);
  }
  const took = row.get('TOOK') ?? '';
  const error = row.get('ERROR') ?? '';
  return makeOutput('endpoint-health', [
    { type: 'endpoint', endpoint, fields: { health, took: took || null, error: error || null } },
  ]);
}

/** Whether a parsed JSON document is `endpoint health -w json`: [{"endpoint":...,"health":...}]. */
export function isEndpointHealthJson(doc: unknown): boolean {
  return Array.isArray(doc) && doc.length > 0 && doc.every((e) => isObject(e) && 'endpoint' in e && 'health' in e);
}

/**
 * `etcdctl endpoint health -w json`:
 *   [{"endpoint":"http://127.0.0.1:40113","health":false,"took":"3.001065305s","error":"context deadline exceeded"}]
 */
export function parseEndpointHealthJson(doc: unknown): ParsedOutput {
  const out = makeOutput('endpoint-health');
  if (!Array.isArray(doc)) return out;
  for (const e of doc) {
    if (!isObject(e) || typeof e.endpoint !== 'string' || typeof e.health !== 'boolean') {
      out.problems.push('endpoint health entry without a string "endpoint" and a boolean "health"');
      continue;
    }
    out.records.push({
      type: 'endpoint',
      endpoint: e.endpoint,
      fields: {
        health: e.health,
        took: typeof e.took === 'string' && e.took !== '' ? e.took : null,
        error: typeof e.error === 'string' && e.error.trim() !== '' ? e.error.trim() : null,
      },
    });
  }
  return out;
}
