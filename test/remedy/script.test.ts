// Generated scripts: shellcheck and bash -n for every real capture and deployment; shellQuote
// round-trips through bash; hostile names, URLs, container names and IDs (rewritten into real
// captures) run nothing, in dry-run and with --apply against stub etcdctl/docker.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { diagnoseSources } from '../../src/pipeline/diagnose.js';
import { shellQuote } from '../../src/remedy/shell-quote.js';
import { renderScript } from '../../src/report/script.js';
import { expandInputs } from '../../src/sources/file-source.js';
import { catalog, FIXTURES, reportFor } from '../helpers/run-pipeline.js';
import type { DeploymentChoice } from '../../src/remedy/detect-deployment.js';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-script-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

function writeScript(name: string, text: string): string {
  const file = path.join(TMP, `${name}.sh`);
  writeFileSync(file, text, { mode: 0o755 });
  return file;
}

function lint(file: string): void {
  const n = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  expect(n.stderr).toBe('');
  expect(n.status).toBe(0);
  if (!hasShellcheck) {
    if (process.env.CI) throw new Error('shellcheck is not installed');
    return;
  }
  const sc = spawnSync('shellcheck', ['-S', 'style', file], { encoding: 'utf8' });
  expect(sc.stdout).toBe('');
  expect(sc.status).toBe(0);
}

async function reportOfDir(dir: string, deployment?: DeploymentChoice): Promise<Report> {
  const rules = await catalog();
  const expanded = await expandInputs([{ input: dir }], () => Readable.from([]));
  return (await diagnoseSources(expanded.sources, expanded.errors, { rules, deployment })).report;
}

const SCENARIOS = ['capnslog', 'zap'].flatMap((f) => readdirSync(path.join(FIXTURES, 'real', f)).map((s) => `real/${f}/${s}`));

describe('every real capture gives a script that passes bash -n and shellcheck', () => {
  it.each(SCENARIOS)('%s', async (scenario) => {
    const report = await reportFor(scenario);
    const file = writeScript(scenario.replace(/\//g, '_'), renderScript(report));
    lint(file);
    // Dry-run is the default and touches nothing: it runs without any etcdctl or docker.
    const dry = spawnSync('bash', [file], { encoding: 'utf8', cwd: TMP, env: { PATH: '/usr/bin:/bin' } });
    expect(dry.stderr).toBe('');
    expect([0, 4]).toContain(dry.status);
    expect(dry.stdout).toContain('dry-run');
  });

  it.each(['compose', 'docker-run', 'systemd', 'kubernetes', 'binary'] as const)('cluster-id-mismatch rendered for --deployment %s', async (d) => {
    const report = await reportOfDir(path.join(FIXTURES, 'real/capnslog/cluster-id-mismatch'), d);
    expect(report.plan?.blocked).toEqual([]);
    lint(writeScript(`deploy-${d}`, renderScript(report)));
  });
});

describe('shellQuote', () => {
  const hostile = [
    '',
    'plain',
    "it's",
    "''",
    '$(touch /tmp/x)',
    '`touch /tmp/x`',
    'a;b&&c||d|e',
    'line1\nline2\r\n',
    '"double" \\back\\',
    '${HOME} $HOME $$ $? !! !x',
    '*?[a-z]{1,2}~',
    'ünïcødé ‮ rtl',
    "'; touch /tmp/x; echo '",
  ];
  it.each(hostile)('%j round-trips through bash unchanged', (s) => {
    const out = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(s)}`], { encoding: 'utf8' });
    expect(out).toBe(s);
  });
  it('refuses NUL', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});

/** A PATH whose etcdctl, docker, kubectl, systemctl and mv only log their argv (one JSON line each). */
function stubBin(dir: string, log: string): string {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const stub = (name: string, body: string) => {
    const f = path.join(bin, name);
    writeFileSync(
      f,
      `#!/bin/bash\n${shellQuote(process.execPath)} -e 'require("fs").appendFileSync(process.argv[1], JSON.stringify(process.argv.slice(2))+"\\n")' ${shellQuote(log)} ${shellQuote(name)} "$@"\n${body}\n`,
    );
    chmodSync(f, 0o755);
  };
  // etcdctl answers like a healthy cluster, so --apply goes as deep as the checks allow.
  stub(
    'etcdctl',
    `case " $* " in
  *" member add "*) echo "Member 1234abcd added to cluster 99" ;;
  *" snapshot save "*) printf x > "\${@: -1}" ;;
  *" endpoint status "*) echo '[{"Status":{"header":{"revision":42}}}]' ;;
  *" member list"*) if [[ -f members.txt ]]; then cat members.txt; else echo "1afd70a8c0f9c371, started, etcd1, http://127.0.0.1:30411, http://127.0.0.1:30401, false"; fi ;;
esac
exit 0`,
  );
  // etcdctl snapshot save, docker cp and mv leave a non-empty file where they were told to, so the backup check holds.
  stub('docker', 'if [[ "$1" == cp ]]; then printf x > "$3"; fi\nexit 0');
  stub('mv', 'printf x > "${*: -1}"\nexit 0');
  for (const name of ['kubectl', 'systemctl']) stub(name, 'exit 0');
  return bin;
}

function runScript(file: string, args: string[], dir: string, log: string) {
  const bin = stubBin(dir, log);
  return spawnSync('bash', [file, ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { PATH: `${bin}:/usr/bin:/bin`, ETCDDOCTOR_WAIT_SECONDS: '2', HOME: dir },
    timeout: 60_000,
  });
}

const PAYLOADS = [
  '$(touch CANARY)',
  '`touch CANARY`',
  "x';touch CANARY;'",
  'x";touch CANARY;"',
  'x;touch CANARY',
  'x\ntouch CANARY\n',
  'x|touch CANARY',
  'x&&touch CANARY',
];

/** Copies a real capture, rewriting a member name, a URL or an ID with a payload everywhere it appears. */
function hostileCopy(scenario: string, find: string, payload: string, tag: string): string {
  const dir = path.join(TMP, `hostile-${tag}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(FIXTURES, scenario), dir, { recursive: true });
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const text = readFileSync(p, 'utf8');
        // JSON files get the payload JSON-escaped, so that they stay parseable and carry it.
        const rep = p.endsWith('.json') ? JSON.stringify(payload).slice(1, -1) : payload;
        writeFileSync(p, text.split(find).join(rep));
      }
    }
  };
  walk(dir);
  return dir;
}

describe('hostile input runs nothing', () => {
  const cases: { scenario: string; find: string; what: string }[] = [
    { scenario: 'real/capnslog/cluster-id-mismatch', find: 'etcd3', what: 'member name' },
    { scenario: 'real/zap/cluster-id-mismatch', find: 'etcd3', what: 'member name' },
    { scenario: 'real/capnslog/cluster-id-mismatch', find: 'http://127.0.0.1:30413', what: 'peer URL' },
    { scenario: 'real/capnslog/cluster-id-mismatch', find: 'http://127.0.0.1:30401', what: 'client URL of the healthy member' },
    { scenario: 'real/capnslog/cluster-id-mismatch', find: '6a6e359dd1b9bc2a', what: 'member ID' },
    { scenario: 'real/capnslog/member-unstarted', find: 'b764739ef50ae2e0', what: 'unstarted member ID' },
    { scenario: 'real/capnslog/removed-member-restarted', find: 'etcd3', what: 'removed member name' },
    { scenario: 'real/capnslog/nospace', find: 'http://127.0.0.1:30802', what: 'client URL' },
  ];
  let n = 0;
  for (const c of cases) {
    for (const payload of PAYLOADS) {
      const tag = `${n++}`;
      it(`${c.scenario}: ${c.what} = ${JSON.stringify(payload)}`, async () => {
        const dir = hostileCopy(c.scenario, c.find, payload, tag);
        for (const deployment of [undefined, 'compose'] as const) {
          const report = await reportOfDir(dir, deployment);
          const script = renderScript(report);
          const file = path.join(dir, `fix-${deployment ?? 'auto'}.sh`);
          writeFileSync(file, script, { mode: 0o755 });
          lint(file);
          const log = path.join(dir, 'argv.log');
          // The stub's member list is the capture's, payloads included: run-time parsing meets them too.
          writeFileSync(
            path.join(dir, 'members.txt'),
            report.cluster.members.map((m) => [m.id, m.started ? 'started' : 'unstarted', m.name, m.peerURLs.join(','), m.clientURLs.join(','), String(m.isLearner)].join(', ')).join('\n') + '\n',
          );
          for (const args of [[], ['--apply']]) {
            const r = runScript(file, args, dir, log);
            expect(r.error).toBeUndefined();
            expect(existsSync(path.join(dir, 'CANARY'))).toBe(false);
            expect(existsSync('/tmp/CANARY')).toBe(false);
          }
          // Whatever the stubs were given, no word of it holds the payload's command.
          if (existsSync(log)) expect(readFileSync(log, 'utf8')).not.toMatch(/touch CANARY/);
        }
      });
    }
  }
});

describe('the renderer quotes even values that skipped validation', () => {
  it('a plan carrying payloads in argv passes them as single words', async () => {
    const base = structuredClone(await reportFor('real/capnslog/member-unstarted'));
    const step = base.plan!.steps.find((s) => s.action === 'remove-member')!;
    const dir = path.join(TMP, 'raw');
    mkdirSync(dir, { recursive: true });
    step.checks = [];
    step.waitFor = [];
    step.run = PAYLOADS.map((p) => ({ argv: ['etcdctl', p, `--x=${p}`] }));
    base.plan!.steps = [step];
    const file = path.join(dir, 'fix.sh');
    writeFileSync(file, renderScript(base));
    lint(file);
    const log = path.join(dir, 'argv.log');
    const r = runScript(file, ['--apply'], dir, log);
    expect(r.status).toBe(0);
    expect(existsSync(path.join(dir, 'CANARY'))).toBe(false);
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(calls).toEqual(PAYLOADS.map((p) => ['etcdctl', p, `--x=${p}`]));
  });

  it('refuses a program outside the allow-list and an unknown variable', async () => {
    const base = structuredClone(await reportFor('real/capnslog/member-unstarted'));
    base.plan!.steps[0]!.run = [{ argv: ['sh', '-c', 'touch CANARY'] }];
    expect(() => renderScript(base)).toThrow(/refusing to run "sh"/);
    base.plan!.steps[0]!.run = [{ argv: ['etcdctl', { var: 'HOME', prefix: '', suffix: '' }] }];
    expect(() => renderScript(base)).toThrow(/unknown variable "HOME"/);
  });
});

describe('script behaviour', () => {
  it('--apply stops at the first failed precondition and says how to resume', async () => {
    const report = await reportFor('real/capnslog/cluster-id-mismatch');
    const dir = path.join(TMP, 'stop');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'fix.sh');
    writeFileSync(file, renderScript(report));
    const log = path.join(dir, 'argv.log');
    const r = runScript(file, ['--apply'], dir, log);
    // The backup runs; stopping etcd3 is a manual step on its host: the script stops there.
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/step 2 must be done by hand \(above\)\. Then run again with: --apply --from 3/);
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(calls.some((c) => c.includes('snapshot'))).toBe(true);
    expect(calls.some((c) => c.includes('remove'))).toBe(false);
    // Resumed at step 3, the member list (stub: only etcd1) does not list etcd3's old member: stop before removing.
    const again = runScript(file, ['--apply', '--from', '3'], dir, log);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/STOPPED at step 3: precondition failed: the member 6a6e359dd1b9bc2a named etcd3 is in the member list/);
    expect(readFileSync(log, 'utf8')).not.toMatch(/"remove"/);
  });
});
