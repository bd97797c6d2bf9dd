// The CLI's cache of the validated rule catalog: what it returns is what src/rules/load.ts reads,
// any change to a catalog file is a miss, and a broken cache file is only a miss.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogKey, defaultCatalogLocation, loadBuiltinRules, loadCatalog } from '../../src/cli/rule-catalog.js';
import { builtinRulesDir, loadRules, RuleFileError } from '../../src/rules/load.js';

let tmp: string;
let rulesDir: string;
let cacheFile: string;
let reference: Awaited<ReturnType<typeof loadRules>>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'etcddoctor-catalog-'));
  rulesDir = path.join(tmp, 'rules');
  cacheFile = path.join(tmp, 'cache.json');
  await cp(builtinRulesDir(), rulesDir, { recursive: true });
  reference = await loadRules();
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

it('finds the same catalog folder as load.ts and uses no cache when run from src/', () => {
  const loc = defaultCatalogLocation();
  expect(path.resolve(loc.rulesDir)).toBe(path.resolve(builtinRulesDir()));
  expect(loc.cacheFile).toBeNull();
});

it('without a cache, and without --rules, reads exactly what loadRules reads', async () => {
  expect(isDeepStrictEqual(await loadCatalog([], {}), reference)).toBe(true);
});

describe('with a cache file', () => {
  it('writes it on a miss and reads it back identical on a hit', async () => {
    const first = await loadBuiltinRules({ rulesDir, cacheFile });
    expect(isDeepStrictEqual(first, reference)).toBe(true);
    const written = JSON.parse(await readFile(cacheFile, 'utf8')) as { key: string; rules: unknown };
    expect(written.key).toBe(catalogKey(rulesDir));
    const second = await loadBuiltinRules({ rulesDir, cacheFile });
    expect(isDeepStrictEqual(second, reference)).toBe(true);
  });

  it('serves the cache while the key matches', async () => {
    const data = JSON.parse(await readFile(cacheFile, 'utf8')) as { rules: { rule: { title: string } }[] };
    data.rules[0]!.rule.title = 'from the cache';
    await writeFile(cacheFile, JSON.stringify(data));
    expect((await loadBuiltinRules({ rulesDir, cacheFile }))[0]!.rule.title).toBe('from the cache');
  });

  it('misses when a rule file changes, and reads the file anew', async () => {
    const first = reference[0]!;
    const file = path.join(rulesDir, first.file.replace(/^rules\//, ''));
    const text = await readFile(file, 'utf8');
    const before = catalogKey(rulesDir);
    await writeFile(file, text.replace(/^title: .*$/m, 'title: "an edited title"'));
    expect(catalogKey(rulesDir)).not.toBe(before);
    const rules = await loadBuiltinRules({ rulesDir, cacheFile });
    expect(rules[0]!.rule.title).toBe('an edited title');
    expect(rules.length).toBe(reference.length);
    await writeFile(file, text);
    expect(isDeepStrictEqual(await loadBuiltinRules({ rulesDir, cacheFile }), reference)).toBe(true);
  });

  it('misses when a rule file is added, and an invalid file throws as loadRules does', async () => {
    const extra = path.join(rulesDir, 'zz-extra.yaml');
    await writeFile(extra, 'id: zz-extra\ntitle: broken\n');
    await expect(loadBuiltinRules({ rulesDir, cacheFile })).rejects.toBeInstanceOf(RuleFileError);
    await rm(extra);
    expect(isDeepStrictEqual(await loadBuiltinRules({ rulesDir, cacheFile }), reference)).toBe(true);
  });

  it('treats an unreadable cache file as a miss', async () => {
    await writeFile(cacheFile, '{"format": "etcddoctor-rule-catalog-1", "key": ');
    expect(isDeepStrictEqual(await loadBuiltinRules({ rulesDir, cacheFile }), reference)).toBe(true);
    expect(JSON.parse(await readFile(cacheFile, 'utf8'))).toHaveProperty('key', catalogKey(rulesDir));
  });

  it('still loads when the cache cannot be written', async () => {
    const nowhere = path.join(tmp, 'no-such-folder', 'cache.json');
    expect(isDeepStrictEqual(await loadBuiltinRules({ rulesDir, cacheFile: nowhere }), reference)).toBe(true);
  });
});
