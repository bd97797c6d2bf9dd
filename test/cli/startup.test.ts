// What a plain `logs` run loads: with the rule catalog cache warm, it never loads zod (~70 ms of
// start-up), which only validating rule files and printing JSON schemas need. Runs the built
// executable (dist/, which npm test builds first) under a module hook that writes down every
// module Node loads.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/etcddoctor.js');
const CACHE = path.join(ROOT, 'dist/cli/.rule-catalog-cache.json');
const FIXTURE = 'fixtures/real/capnslog/cluster-id-mismatch';

// The load hook sees modules Node loads; import.meta.resolve (the cache key's dependency versions)
// only resolves, so it is not counted.
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.ETCDDOCTOR_TEST_LOADED, url + '\\n');
  return next(url, context);
}
`;
const REGISTER = `import { register } from 'node:module';
register('./hooks.mjs', import.meta.url);
`;

let tmp: string;
let register: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'etcddoctor-startup-'));
  await writeFile(path.join(tmp, 'hooks.mjs'), HOOKS);
  register = path.join(tmp, 'register.mjs');
  await writeFile(register, REGISTER);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let runs = 0;

/** Runs the built CLI; returns its output and the URLs of the modules it loaded. */
async function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string; loaded: string[] }> {
  const log = path.join(tmp, `loaded-${++runs}.txt`);
  await writeFile(log, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ETCDDOCTOR_NO_RULE_CACHE: '', ...env, ETCDDOCTOR_TEST_LOADED: log },
  });
  const loaded = (await readFile(log, 'utf8')).split('\n').filter((u) => u !== '');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
}

/** zod's modules among those loaded (the first few: a failure need not list all 100). */
const zodModules = (loaded: string[]) => loaded.filter((u) => u.includes('/node_modules/zod/')).slice(0, 3);

it('a cache miss validates the catalog with zod (the hook sees what is loaded)', async () => {
  const cold = await run(['logs', FIXTURE, '--format', 'json', '--fail-on', 'none'], { ETCDDOCTOR_NO_RULE_CACHE: '1' });
  expect(cold.status).toBe(0);
  expect(cold.loaded.some((u) => u.endsWith('/dist/cli/main.js'))).toBe(true);
  expect(zodModules(cold.loaded)).not.toEqual([]);
});

it.each([['text'], ['json'], ['markdown']])('logs --format %s does not load zod when the rule cache is warm, and prints what a miss prints', async (format) => {
  const args = ['logs', FIXTURE, '--format', format, '--fail-on', 'none'];
  // the first run writes the cache when it is missing or stale (a fresh build)
  expect((await run(args)).status).toBe(0);
  expect(existsSync(CACHE)).toBe(true);
  const warm = await run(args);
  expect(warm.status).toBe(0);
  expect(warm.loaded.some((u) => u.endsWith('/dist/cli/main.js'))).toBe(true);
  expect(zodModules(warm.loaded)).toEqual([]);
  const cold = await run(args, { ETCDDOCTOR_NO_RULE_CACHE: '1' });
  expect({ status: warm.status, stdout: warm.stdout, stderr: warm.stderr }).toEqual({ status: cold.status, stdout: cold.stdout, stderr: cold.stderr });
});

it('etcddoctor schema still prints the report JSON Schema', async () => {
  const r = await run(['schema']);
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(await readFile(path.join(ROOT, 'schema/report.schema.json'), 'utf8'));
});
