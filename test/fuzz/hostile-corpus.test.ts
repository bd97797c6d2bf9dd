// The hostile corpus, end to end: real captures rewritten so member names, node names (file
// names, compose prefixes), peer and client URLs, member and cluster IDs and container names (a
// fake Docker Engine API serving rewritten inspect output) carry shell syntax, control and
// look-alike characters. Each goes through the CLI (`logs ... --script fix.sh --format json`);
// the script must pass bash -n and shellcheck, and running it dry and with --apply against stub
// etcdctl/docker/systemctl/kubectl/curl that only record their argv must create no canary and
// pass no payload to any command. The report's text, Markdown and JUnit forms are checked too.
// HOSTILE_ALL=1 runs every payload on every target (slow); by default each target gets a few.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderText } from '../../src/report/text.js';
import { runInMemory } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/run-pipeline.js';
import { markdownProblems } from './checks.js';
import { startFakeDocker } from './fake-docker.js';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-hostile-'));
const MARK = 'CANARY';

/** Every payload carries MARK, so any argv word or file holding MARK is a payload that got through. */
export const PAYLOADS: readonly string[] = [
  `$(touch ${MARK})`,
  `\`touch ${MARK}\``,
  `x';touch ${MARK};'`,
  `x";touch ${MARK};"`,
  `x;touch ${MARK}`,
  `x&&touch ${MARK}`,
  `x\ntouch ${MARK}\n`,
  `x\${IFS}touch\${IFS}${MARK}`,
  `etcd\uff04(touch ${MARK})`, // FULLWIDTH DOLLAR SIGN
  `etcd\u2215tmp\u2215${MARK}`, // DIVISION SLASH
  `etcd\u202e${MARK}3`, // RIGHT-TO-LEFT OVERRIDE
  `${'e'.repeat(300)}$(touch ${MARK})`,
  `<script>${MARK}</script>]]>&amp;`,
  `\u001b]0;${MARK}\u0007\u001b[2J\u009b31m`,
];

interface Target {
  id: string;
  what: string;
  /** A folder under fixtures/, copied and rewritten. */
  scenario: string;
  find: string;
  /** Rename files whose name holds `find` (node names from file names). */
  renameFiles?: boolean;
  /** Serve the folder's *.inspect.json and *.ts.log through a fake Docker engine instead of reading files. */
  docker?: boolean;
}

const TARGETS: Target[] = [
  { id: 'name-capnslog', what: 'member and file name', scenario: 'real/capnslog/cluster-id-mismatch', find: 'etcd3', renameFiles: true },
  { id: 'name-zap', what: 'member and file name', scenario: 'real/zap/cluster-id-mismatch', find: 'etcd3', renameFiles: true },
  { id: 'peer-url', what: 'peer URL', scenario: 'real/capnslog/cluster-id-mismatch', find: 'http://127.0.0.1:30413' },
  { id: 'client-url', what: 'client URL of a healthy member', scenario: 'real/capnslog/cluster-id-mismatch', find: 'http://127.0.0.1:30401' },
  { id: 'member-id', what: 'member ID', scenario: 'real/capnslog/cluster-id-mismatch', find: '6a6e359dd1b9bc2a' },
  { id: 'cluster-id', what: 'cluster ID', scenario: 'real/capnslog/cluster-id-mismatch', find: '7674ac02e2676451' },
  { id: 'unstarted-id', what: 'unstarted member ID', scenario: 'real/capnslog/member-unstarted', find: 'b764739ef50ae2e0' },
  { id: 'nospace-url', what: 'client URL', scenario: 'real/capnslog/nospace', find: 'http://127.0.0.1:30802' },
  { id: 'compose-prefix', what: 'compose service prefix', scenario: 'docker/capnslog/compose-healthy', find: 'etcd2_1' },
  { id: 'container-name', what: 'container name (docker inspect)', scenario: 'docker/capnslog/cluster-id-mismatch', find: 'etcd3', docker: true },
  { id: 'container-url', what: 'container peer URL (docker inspect)', scenario: 'docker/capnslog/cluster-id-mismatch', find: 'http://127.0.0.1:22400', docker: true },
];

const ALL = process.env.HOSTILE_ALL === '1';
const CASES = TARGETS.flatMap((t, ti) =>
  PAYLOADS.flatMap((p, pi) => (ALL || (pi + ti) % 5 === 0 ? [{ target: t, payload: p, tag: `${t.id}-${pi}` }] : [])),
);

// ---- the corpus ----

function rewrite(dir: string, find: string, payload: string, renameFiles: boolean): void {
  for (const e of readdirSync(dir)) {
    let p = path.join(dir, e);
    if (renameFiles && e.includes(find)) {
      // A file name holds no '/' or NUL and at most 255 bytes.
      const q = path.join(dir, e.split(find).join(payload.replace(/[/\0]/g, '_').slice(-200)));
      renameSync(p, q);
      p = q;
    }
    if (statSync(p).isDirectory()) {
      rewrite(p, find, payload, renameFiles);
      continue;
    }
    const text = readFileSync(p, 'utf8');
    // In JSON the payload is JSON-escaped (a newline becomes \n), so the document stays valid.
    const rep = p.endsWith('.json') ? JSON.stringify(payload).slice(1, -1) : payload;
    writeFileSync(p, text.split(find).join(rep));
  }
}

// ---- stubs that only record their argv ----

/** argv words are separated by US (0x1f), calls by RS (0x1e): no payload carries either. */
function stubBin(caseDir: string, log: string): string {
  const bin = path.join(caseDir, 'bin');
  mkdirSync(bin, { recursive: true });
  const record = `{ printf '%s' "\${0##*/}"; for a in "$@"; do printf '\\037%s' "$a"; done; printf '\\036'; } >>'${log}'`;
  const memberList = path.join(caseDir, 'etcdctl', 'member-list.txt');
  // etcdctl answers from the (rewritten) capture, so hostile text also comes back at run time.
  const etcdctl = `#!/bin/bash
${record}
case " $* " in
  *" member add "*) echo "Member 1234abcd added to cluster 99" ;;
  *" endpoint status "*) echo '[{"Status":{"header":{"revision":42}}}]' ;;
  *" snapshot save "*) printf 'snapshot' >"\${*: -1}" ;;
  *" member list"*) if [[ -f '${memberList}' ]]; then cat '${memberList}'; else echo "1afd70a8c0f9c371, started, etcd1, http://127.0.0.1:30411, http://127.0.0.1:30401, false"; fi ;;
esac
exit 0
`;
  writeFileSync(path.join(bin, 'etcdctl'), etcdctl);
  chmodSync(path.join(bin, 'etcdctl'), 0o755);
  const stubs: Record<string, string> = {
    // docker exec ... etcdctl ...: answered by the etcdctl stub, so checks through docker pass too.
    docker: `for ((i = 1; i <= $#; i++)); do [[ "\${!i}" == etcdctl ]] && exec "\${0%/*}/etcdctl" "\${@:i+1}"; done\nexit 0`,
    // The backup really moves, so --apply gets past its check to the steps after it.
    mv: 'exec /bin/mv "$@"',
  };
  for (const name of ['docker', 'kubectl', 'systemctl', 'curl', 'mv', 'ssh', 'sudo']) {
    writeFileSync(path.join(bin, name), `#!/bin/bash\n${record}\n${stubs[name] ?? 'exit 0'}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  return bin;
}

function readCalls(log: string): string[][] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\u001e')
    .filter((c) => c !== '')
    .map((c) => c.split('\u001f'));
}

/** Files whose name holds MARK under `dir` (bounded depth). */
function canaries(dir: string, depth = 4): string[] {
  if (depth < 0 || !existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    // The corpus itself has payloads in file names: only a created file named exactly so counts.
    if (e === MARK || e === `${MARK}3` || e.endsWith(`/${MARK}`)) out.push(p);
    try {
      if (statSync(p).isDirectory()) out.push(...canaries(p, depth - 1));
    } catch {
      // a dangling link or a socket
    }
  }
  return out;
}

/**
 * The script with every single-quoted word's content blanked, read as bash reads it: outside
 * double quotes and comments, a ' opens a word that the next ' closes. A quote that bash would not
 * close leaves the rest unblanked, so broken quoting changes the shape and is checked.
 */
function shapeOf(script: string): string {
  let out = '';
  let dq = false;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === '\\') {
      out += script.slice(i, i + 2);
      i++;
    } else if (c === '"') {
      dq = !dq;
      out += c;
    } else if (c === "'" && !dq) {
      const end = script.indexOf("'", i + 1);
      if (end < 0) return out + script.slice(i);
      out += "'q'";
      i = end;
    } else if (c === '#' && !dq && (i === 0 || /\s/.test(script[i - 1]!))) {
      const nl = script.indexOf('\n', i);
      out += script.slice(i, nl < 0 ? undefined : nl);
      i = (nl < 0 ? script.length : nl) - 1;
    } else {
      out += c;
    }
  }
  return out;
}

// ---- running a case ----

interface CaseResult {
  tag: string;
  target: Target;
  payload: string;
  dir: string;
  code: number;
  stderr: string;
  report: Report;
  script: string;
  calls: string[][];
  runs: { args: string[]; status: number | null; stdout: string; stderr: string }[];
}

const results: CaseResult[] = [];
const DOM = new new JSDOM('').window.DOMParser();

beforeAll(async () => {
  for (const c of CASES) {
    const dir = path.join(TMP, c.tag);
    cpSync(path.join(FIXTURES, c.target.scenario), dir, { recursive: true });
    rewrite(dir, c.target.find, c.payload, c.target.renameFiles ?? false);
    const fix = path.join(dir, 'fix.sh');
    let run;
    if (c.target.docker) {
      const engine = await startFakeDocker(dir);
      try {
        run = await runInMemory(['logs', '--docker', ...engine.names, '--docker-host', `unix://${engine.socket}`, '--no-exec', '--script', fix, '--format', 'json', '--fail-on', 'none']);
      } finally {
        await engine.close();
      }
    } else {
      run = await runInMemory(['logs', dir, '--script', fix, '--format', 'json', '--fail-on', 'none']);
    }
    const report = JSON.parse(run.stdout) as Report;
    const script = existsSync(fix) ? readFileSync(fix, 'utf8') : '';
    const log = path.join(dir, 'argv.log');
    const bin = stubBin(dir, log);
    const runScript = (args: string[]) => {
      const r = spawnSync('bash', [fix, ...args], {
        encoding: 'utf8',
        cwd: dir,
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, ETCDDOCTOR_WAIT_SECONDS: '0' },
        timeout: 30_000,
      });
      return { args, status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const runs = [runScript([]), runScript(['--apply', '--state-dir', path.join(dir, 'state')])];
    // Past each manual step (exit 3), as an operator would: --apply --from the next step.
    for (let i = 0; i < 6 && runs[runs.length - 1]!.status === 3; i++) {
      const from = /--apply --from (\d+)/.exec(runs[runs.length - 1]!.stderr)?.[1];
      if (!from) break;
      runs.push(runScript(['--apply', '--state-dir', path.join(dir, 'state'), '--from', from]));
    }
    results.push({ ...c, dir, code: run.code, stderr: run.stderr, report, script, calls: readCalls(log), runs });
  }
}, 600_000);

afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('hostile corpus through the CLI', () => {
  it('every case ran: the CLI wrote a report and a script, with no stack trace', () => {
    expect(results.length).toBe(CASES.length);
    for (const r of results) {
      expect([0, 1], `${r.tag}: exit ${r.code}: ${r.stderr}`).toContain(r.code);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    }
  });

  it('the fake Docker engine was read: three containers, their logs, a container deployment', () => {
    if (process.env.HOSTILE_DEBUG) {
      writeFileSync(
        process.env.HOSTILE_DEBUG,
        results.map((r) => `${r.tag}\tnodes=${r.report.nodes.map((n) => n.name).join(',')}\tsteps=${r.report.plan?.steps.length}\tblocked=${JSON.stringify(r.report.plan?.blocked)}\tcalls=${r.calls.length}\tapply=${r.runs.slice(1).map((x) => x.status).join('>')}\t${JSON.stringify(r.runs[r.runs.length - 1]!.stderr.slice(0, 300))}`).join('\n'),
      );
    }
    for (const r of results.filter((x) => x.target.docker)) {
      expect(r.report.cluster.containers.length, r.tag).toBe(3);
      expect(r.report.nodes.filter((n) => n.events > 0).length, r.tag).toBeGreaterThanOrEqual(2);
      expect(r.report.plan?.deployment, r.tag).toMatch(/compose|docker/);
    }
  });

  it('the hostile value really reached the pipeline (the corpus is not a no-op)', () => {
    // (A raw newline in a text log splits the line, so that payload may leave no whole value.)
    // A compose prefix that is not a service name is no prefix: those lines are unparsed, and no
    // node takes the hostile name.
    for (const r of results) {
      if (r.target.id === 'compose-prefix') {
        for (const n of r.report.nodes) expect(n.name, r.tag).toMatch(/^[A-Za-z0-9_.-]+$/);
        expect(r.report.totals.unparsed, r.tag).toBeGreaterThan(0);
      } else if (!r.payload.includes('\n')) {
        expect(JSON.stringify(r.report), r.tag).toContain(MARK);
      }
    }
  });

  it('every script passes bash -n and shellcheck', () => {
    const files = results.map((r) => path.join(r.dir, 'fix.sh'));
    for (const f of files) {
      const n = spawnSync('bash', ['-n', f], { encoding: 'utf8' });
      expect(n.stderr, f).toBe('');
    }
    const sc = spawnSync('shellcheck', ['--version']);
    if (sc.status !== 0) {
      if (process.env.CI) throw new Error('shellcheck is not installed');
      return;
    }
    // Scripts that differ only inside single quotes are the same to shellcheck (it reads nothing
    // inside them; SC2016 is off): check one per shape. bash -n above read every one.
    const shapes = new Map<string, string>();
    for (const f of files) shapes.set(shapeOf(readFileSync(f, 'utf8')), f);
    const all = spawnSync('shellcheck', ['-S', 'style', ...shapes.values()], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(all.stdout).toBe('');
    expect(all.status).toBe(0);
  });

  it('running the scripts, dry and with --apply, creates no canary anywhere', () => {
    for (const r of results) {
      for (const run of r.runs) {
        expect(run.status, `${r.tag} ${run.args.join(' ')}: ${run.stderr}`).not.toBeNull();
        expect(run.stderr).not.toMatch(/command not found|syntax error|unbound variable/);
      }
    }
    expect(canaries(TMP)).toEqual([]);
    expect(canaries(process.cwd(), 1)).toEqual([]);
    expect(canaries(os.tmpdir(), 0)).toEqual([]);
  });

  it('no command was ever given a hostile value: every recorded argv word is free of payloads', () => {
    let calls = 0;
    for (const r of results) {
      for (const argv of r.calls) {
        calls++;
        for (const word of argv) {
          expect(word, `${r.tag}: ${JSON.stringify(argv)}`).not.toContain(MARK);
          expect(word).not.toMatch(/[\n\u001b\u202e\uff04\u2215`]|\$\(|\$\{IFS\}/);
        }
      }
    }
    // --apply went far enough to run commands at all.
    expect(calls).toBeGreaterThan(results.length);
  });

  it('the script file and what it prints hold no control or bidi character (Trojan Source)', () => {
    const bad = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
    for (const r of results) {
      expect(r.script, r.tag).not.toMatch(bad);
      // Dry-run prints only what the script says. (With --apply, etcdctl's own output passes
      // through as etcdctl printed it, as it would for an operator running it by hand.)
      expect(r.runs[0]!.stdout + r.runs[0]!.stderr, r.tag).not.toMatch(bad);
    }
  });

  it('dry-run runs no command at all', () => {
    for (const r of results) {
      const dry = r.runs[0]!;
      expect(dry.stdout, r.tag).toMatch(/dry-run/);
    }
    // The argv log is written by both runs; dry-run output must show no executed step.
    for (const r of results) expect(r.runs[0]!.stdout).not.toMatch(/^etcddoctor: STOPPED/m);
  });

  it('the text report passes no escape sequence or control character from the logs to a terminal', () => {
    for (const r of results) {
      for (const verbose of [false, true]) {
        const text = renderText(r.report, { color: false, verbose });
        expect(text, r.tag).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      }
    }
  });

  it('Markdown and JUnit escape everything: no <script>, well-formed XML', () => {
    for (const r of results) {
      const md = renderMarkdown(r.report);
      expect(markdownProblems(md), r.tag).toEqual([]);
      const xml = renderJunit(r.report);
      const doc = DOM.parseFromString(xml, 'application/xml');
      expect(doc.getElementsByTagName('parsererror')[0]?.textContent ?? null, r.tag).toBeNull();
      expect(xml).not.toMatch(/<script/i);
    }
  });
});
