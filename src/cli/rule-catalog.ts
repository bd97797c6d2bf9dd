// The rule catalog for the CLI, without parsing 100 YAML files on every run.
//
// Reading the built-in catalog (YAML parsing, then zod validation) costs far more than the rest of
// a small `logs` run. Its validated rules are therefore kept in one JSON file inside the built
// package (dist/cli/.rule-catalog-cache.json), next to the code that wrote it. A run uses that file
// only when its key matches: the key hashes the bytes of every catalog file and its path, the code
// that parses and validates them (dist/rules/*.js, dist/model/*.js), the yaml and zod versions and
// the Node version. Any edit, rebuild or upgrade is therefore a miss: the catalog is read the slow
// way through src/rules/load.ts, exactly as before, and the file is rewritten (a temporary file
// renamed over it, so concurrent runs never see half a file). A package folder that cannot be
// written (a root-owned global install) only means every run takes the slow path.
//
// The cache is used only from the built package (dist/); running from src/ (vitest) always reads
// the YAML. ETCDDOCTOR_NO_RULE_CACHE=1 turns it off. Users' --rules folders are always read.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { CompiledRule } from '../rules/compile.js';
import type { LoadedRule } from '../rules/load.js';

/** Bump when the cache file's layout changes. */
const CACHE_FORMAT = 'etcddoctor-rule-catalog-1';

/** Where this module runs from: dist (built) or src (vitest, tsx). */
const HERE = fileURLToPath(import.meta.url);
const CODE_EXT = path.extname(HERE);

export interface CatalogLocation {
  /** The catalog folder: <package>/rules. */
  rulesDir: string;
  /** The cache file, or null for no cache. */
  cacheFile: string | null;
}

/** The package's own catalog and, when running from dist/, its cache file. */
export function defaultCatalogLocation(env: Record<string, string | undefined> = {}): CatalogLocation {
  // the same folder as src/rules/load.ts builtinRulesDir(): <package>/rules from src/ and dist/
  const rulesDir = fileURLToPath(new URL('../../rules/', import.meta.url));
  const fromDist = path.basename(path.dirname(path.dirname(HERE))) === 'dist';
  const off = env.ETCDDOCTOR_NO_RULE_CACHE !== undefined && env.ETCDDOCTOR_NO_RULE_CACHE !== '' && env.ETCDDOCTOR_NO_RULE_CACHE !== '0';
  return { rulesDir, cacheFile: fromDist && !off ? path.join(path.dirname(HERE), '.rule-catalog-cache.json') : null };
}

/** Every *.yaml/*.yml under dir, recursively, in src/rules/load.ts's order. */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(child);
    }
  };
  walk('');
  return out;
}

/** The package.json of a dependency, found upwards from the file it resolves to. */
function packageJsonOf(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    try {
      const text = readFileSync(path.join(dir, 'package.json'), 'utf8');
      if ((JSON.parse(text) as { name?: string }).name === name) return text;
    } catch {
      // no package.json here, or not the package's own
    }
    const up = path.dirname(dir);
    if (up === dir) return '';
    dir = up;
  }
}

/**
 * The cache key of a catalog folder: everything the validated rules depend on. Throws when the
 * folder cannot be listed or read (the slow path then reports it as load.ts always did).
 */
export function catalogKey(rulesDir: string): string {
  const h = createHash('sha256');
  const add = (label: string, data: string | Buffer): void => {
    h.update(`${label}\0${data.length}\0`);
    h.update(data);
  };
  add('format', CACHE_FORMAT);
  add('node', process.version);
  for (const dep of ['yaml', 'zod']) add(`dep:${dep}`, packageJsonOf(dep));
  // the parsing and validating code: src/rules/ and src/model/ as built (schema, load, checks, enums)
  for (const sub of ['rules', 'model']) {
    const dir = path.join(path.dirname(path.dirname(HERE)), sub);
    for (const f of readdirSync(dir).filter((n) => n.endsWith(CODE_EXT)).sort()) add(`code:${sub}/${f}`, readFileSync(path.join(dir, f)));
  }
  for (const rel of yamlFiles(rulesDir)) add(`rule:${rel}`, readFileSync(path.join(rulesDir, rel)));
  return h.digest('hex');
}

interface CacheFile {
  format: string;
  key: string;
  rules: LoadedRule[];
}

function readCache(file: string, key: string): LoadedRule[] | null {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    return data.format === CACHE_FORMAT && data.key === key && Array.isArray(data.rules) ? data.rules : null;
  } catch {
    return null;
  }
}

function writeCache(file: string, key: string, rules: LoadedRule[]): void {
  const text = JSON.stringify({ format: CACHE_FORMAT, key, rules } satisfies CacheFile);
  // Only what reads back identical is kept: a rule holding a value JSON cannot carry is never cached.
  if (!isDeepStrictEqual((JSON.parse(text) as CacheFile).rules, rules)) return;
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

/** The built-in catalog's rules, from the cache when it is current. Throws the first RuleFileError. */
export async function loadBuiltinRules(location: CatalogLocation): Promise<LoadedRule[]> {
  let key: string | null = null;
  if (location.cacheFile !== null) {
    try {
      key = catalogKey(location.rulesDir);
    } catch {
      key = null;
    }
    const cached = key === null ? null : readCache(location.cacheFile, key);
    if (cached) return cached;
  }
  const { readRules } = await import('../rules/load.js');
  const { rules, errors } = await readRules([{ dir: location.rulesDir, display: 'rules', builtin: true }]);
  if (errors[0]) throw errors[0];
  if (location.cacheFile !== null && key !== null) writeCache(location.cacheFile, key, rules);
  return rules;
}

/**
 * src/rules/load.ts loadRules for the CLI: the catalog followed by the users' folders. Without
 * --rules folders the catalog may come from the cache; with them everything is read as before.
 */
export async function loadCatalog(userDirs: readonly string[], env: Record<string, string | undefined>): Promise<LoadedRule[]> {
  if (userDirs.length > 0) return (await import('../rules/load.js')).loadRules(userDirs);
  return loadBuiltinRules(defaultCatalogLocation(env));
}

/** loadCatalog, compiled for the engine. */
export async function loadCompiledRules(userDirs: readonly string[], env: Record<string, string | undefined>): Promise<CompiledRule[]> {
  const [{ compileRules }, rules] = await Promise.all([import('../rules/compile.js'), loadCatalog(userDirs, env)]);
  return compileRules(rules.map((r) => r.rule));
}
