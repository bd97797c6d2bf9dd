// Loads rule files (*.yaml, recursively) from the built-in catalog and from users' folders, and
// turns every problem into a RuleFileError that names the file and the field.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { RuleSchema, type Rule } from './schema.js';

/** A rule file that cannot be used: `file: field: reason`, or `file:line:col: reason` for YAML syntax. */
export class RuleFileError extends Error {
  override readonly name = 'RuleFileError';
  constructor(
    /** The file as shown to the user: rules/<area>/<id>.yaml for the catalog, or under the user's folder. */
    readonly file: string,
    /** The field path, like match[0].msg; null for problems with the whole file. */
    readonly field: string | null,
    readonly reason: string,
    /** 1-based line of the problem when known. */
    readonly line: number | null = null,
    readonly column: number | null = null,
  ) {
    super(
      field === null
        ? `${file}${line !== null ? `:${line}${column !== null ? `:${column}` : ''}` : ''}: ${reason}`
        : `${file}: ${field}: ${reason}`,
    );
  }
}

export interface LoadedRule {
  rule: Rule;
  /** Where it came from, as shown in errors and in `rules show`. */
  file: string;
  builtin: boolean;
}

/** The package's own catalog: <package>/rules, from src/rules (vitest) and from dist/rules alike. */
export function builtinRulesDir(): string {
  return fileURLToPath(new URL('../../rules/', import.meta.url));
}

type PathKey = string | number;

export function formatFieldPath(p: readonly PathKey[]): string {
  let out = '';
  for (const k of p) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`;
  return out === '' ? '(file)' : out;
}

function describeReceived(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'list';
  if (typeof input === 'object') return 'mapping';
  return typeof input;
}

function typeWord(expected: string): string {
  return expected === 'array' ? 'list' : expected === 'object' ? 'mapping' : expected;
}

function valueAt(root: unknown, p: readonly PathKey[]): unknown {
  let v = root;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathKey, unknown>)[k];
  }
  return v;
}

/** One zod issue as `field path` and a reason in plain words. */
function describeIssue(issue: z.core.$ZodIssue, data: unknown): { path: PathKey[]; reason: string } {
  const p = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
  switch (issue.code) {
    case 'invalid_type': {
      const received = valueAt(data, p);
      if (received === undefined) return { path: p, reason: `required field missing (expected ${typeWord(issue.expected)})` };
      return { path: p, reason: `expected ${typeWord(issue.expected)}, got ${describeReceived(received)}` };
    }
    case 'unrecognized_keys': {
      const [first, ...rest] = issue.keys;
      return rest.length === 0
        ? { path: [...p, first!], reason: 'unknown field' }
        : { path: p, reason: `unknown fields ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` };
    }
    case 'invalid_value':
      return { path: p, reason: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(valueAt(data, p))}` };
    case 'invalid_union': {
      // a branch that failed only because the value has another type says nothing useful;
      // a branch that got further (a list with a bad item, a mapping with a bad field) does
      const received = valueAt(data, p);
      const mismatch = (e: z.core.$ZodIssue) =>
        e.path.length === 0 && (e.code === 'invalid_type' || (e.code === 'invalid_value' && typeof received === 'object' && received !== null));
      const further = issue.errors.filter((branch) => !branch.every(mismatch));
      if (further.length === 0) {
        const expected = new Set<string>();
        for (const branch of issue.errors) for (const e of branch) if (e.code === 'invalid_type') expected.add(typeWord(e.expected));
        return { path: p, reason: `expected ${[...expected].join(' or ')}, got ${describeReceived(received)}` };
      }
      // the branch with the fewest problems is the one the author meant
      const best = further.reduce((a, b) => (b.length < a.length ? b : a));
      const inner = describeIssues(best, received);
      return { path: [...p, ...inner.path], reason: inner.reason };
    }
    case 'invalid_key': {
      const inner = issue.issues[0];
      const reason = inner?.code === 'invalid_format' && inner.format === 'regex' ? inner.message : (inner?.message ?? issue.message);
      return { path: p, reason };
    }
    case 'too_small':
      return { path: p, reason: issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'must not be empty' : `must be at least ${String(issue.minimum)}` };
    case 'too_big':
      return { path: p, reason: issue.origin === 'string' ? `longer than ${String(issue.maximum)} characters` : `must be at most ${String(issue.maximum)}` };
    case 'invalid_format':
      return { path: p, reason: issue.format === 'url' ? `expected a URL, got ${JSON.stringify(valueAt(data, p))}` : issue.message };
    default:
      return { path: p, reason: issue.message };
  }
}

/**
 * The most useful issue of a list, described. An unknown field comes first, with a suggestion
 * when a required field of the same mapping is missing (a typo: severty for severity).
 */
function describeIssues(issues: readonly z.core.$ZodIssue[], data: unknown): { path: PathKey[]; reason: string } {
  const unknown = issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys' && unknown.keys.length === 1) {
    const missing = issues.find((i) => i.path.length === unknown.path.length + 1 && i.path.slice(0, -1).join('.') === unknown.path.join('.') && valueAt(data, i.path.filter((k): k is PathKey => typeof k !== 'symbol')) === undefined);
    const d = describeIssue(unknown, data);
    return missing ? { path: d.path, reason: `${d.reason} (did you mean "${String(missing.path[missing.path.length - 1])}"?)` } : d;
  }
  return describeIssue(issues[0]!, data);
}

function lineOf(doc: Document, counter: LineCounter, p: readonly PathKey[]): number | null {
  for (let n = p.length; n >= 0; n--) {
    const node = doc.getIn(p.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return null;
}

/**
 * Parses and validates one rule file's text. Pure: the caller reads the file. `file` is the name
 * shown in errors; the rule's id must equal the file's base name.
 */
export function parseRuleText(text: string, file: string): Rule {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = counter.linePos(yamlError.pos[0]);
    const reason = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new RuleFileError(file, null, `malformed YAML: ${reason}`, pos.line, pos.col);
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new RuleFileError(file, null, 'expected a mapping with one rule (id, title, severity, ...)', 1);
  }
  const parsed = RuleSchema.safeParse(data);
  if (!parsed.success) {
    const { path: p, reason } = describeIssues(parsed.error.issues, data);
    throw new RuleFileError(file, formatFieldPath(p), reason, lineOf(doc, counter, p));
  }
  const base = path.basename(file).replace(/\.ya?ml$/, '');
  if (parsed.data.id !== base) {
    throw new RuleFileError(file, 'id', `"${parsed.data.id}" must equal the file name "${base}"`, lineOf(doc, counter, ['id']));
  }
  return parsed.data;
}

async function listYamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(child);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(child);
    }
  };
  await walk('');
  return out;
}

export interface RuleSource {
  /** The folder to read. */
  dir: string;
  /** How its files are named in messages: 'rules' for the catalog, the user's own spelling otherwise. */
  display: string;
  builtin: boolean;
}

/** The catalog followed by the users' folders, in the order given. */
export function ruleSources(userDirs: readonly string[] = [], includeBuiltin = true): RuleSource[] {
  const sources: RuleSource[] = includeBuiltin ? [{ dir: builtinRulesDir(), display: 'rules', builtin: true }] : [];
  for (const d of userDirs) sources.push({ dir: path.resolve(d), display: d.replace(/[/\\]+$/, ''), builtin: false });
  return sources;
}

/**
 * Reads every rule of the sources. Never throws for a bad file: each problem is one
 * RuleFileError, so `rules check` can list them all. Duplicate ids are errors.
 */
export async function readRules(sources: readonly RuleSource[]): Promise<{ rules: LoadedRule[]; errors: RuleFileError[] }> {
  const rules: LoadedRule[] = [];
  const errors: RuleFileError[] = [];
  const byId = new Map<string, string>();
  for (const source of sources) {
    let files: string[];
    try {
      const s = await stat(source.dir);
      if (!s.isDirectory()) throw new Error('not a folder');
      files = await listYamlFiles(source.dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      errors.push(new RuleFileError(source.display, null, code === 'ENOENT' ? 'no such folder' : `cannot read rules: ${(err as Error).message}`));
      continue;
    }
    for (const rel of files) {
      const file = `${source.display}/${rel}`;
      try {
        const rule = parseRuleText(await readFile(path.join(source.dir, rel), 'utf8'), file);
        const other = byId.get(rule.id);
        if (other !== undefined) throw new RuleFileError(file, 'id', `duplicate rule id "${rule.id}" (also in ${other})`);
        byId.set(rule.id, file);
        rules.push({ rule, file, builtin: source.builtin });
      } catch (err) {
        if (err instanceof RuleFileError) errors.push(err);
        else errors.push(new RuleFileError(file, null, `cannot read: ${(err as Error).message}`));
      }
    }
  }
  return { rules, errors };
}

/** The catalog plus users' folders; throws the first RuleFileError. */
export async function loadRules(userDirs: readonly string[] = [], options: { builtin?: boolean } = {}): Promise<LoadedRule[]> {
  const { rules, errors } = await readRules(ruleSources(userDirs, options.builtin ?? true));
  if (errors[0]) throw errors[0];
  return rules;
}
