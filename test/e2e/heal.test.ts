// Heal tests against real containers: break a real 3-node cluster (scripts/docker/cluster.sh),
// let etcddoctor write fix.sh from the containers, run it with --apply, then check every member
// is healthy, the member lists agree, and the keys written before the break read back.
// Sequential, one cluster at a time, on our own prefixes (heal*) and base port 22650
// (docker-diagnose uses 22700..22900, test/sources/docker.test.ts 22600).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { breakCluster, dockerUnavailableReason, removeCluster, startCluster } from '../helpers/docker-cluster.js';

const exec = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/etcddoctor.js');
const BASE_PORT = 22650;
const unavailable = await dockerUnavailableReason();
if (unavailable && process.env.ETCDDOCTOR_REQUIRE_DOCKER === '1') throw new Error(`ETCDDOCTOR_REQUIRE_DOCKER=1 but ${unavailable}`);
if (unavailable) console.warn(`heal tests skipped: ${unavailable}`);

const TMP = mkdtempSync(path.join(os.tmpdir(), 'etcddoctor-heal-'));
const made: string[] = [];
afterAll(async () => {
  for (const p of made) await removeCluster(p).catch(() => undefined);
  rmSync(TMP, { recursive: true, force: true });
});

async function ctl(container: string, url: string, ...args: string[]): Promise<string> {
  const r = await exec('docker', ['exec', '-e', `ETCDCTL_ENDPOINTS=${url}`, container, 'etcdctl', '--dial-timeout=2s', '--command-timeout=5s', ...args]);
  return r.stdout;
}

const SCENARIOS = ['cluster-id-mismatch', 'removed-member-restarted', 'member-wiped', 'member-unstarted', 'quorum-lost'];

describe.skipIf(unavailable !== null)('etcddoctor heals real broken clusters', () => {
  SCENARIOS.forEach((scenario, i) => {
    it(scenario, { timeout: 150_000 }, async () => {
      const prefix = `heal${i}`;
      made.push(prefix);
      await removeCluster(prefix).catch(() => undefined);
      // The clusters share BASE_PORT: a failed case must not leave its containers behind.
      try {
        const cluster = await startCluster({ prefix, basePort: BASE_PORT });
        await breakCluster(prefix, scenario);
        const names = [1, 2, 3].map((n) => `${prefix}${n}`);
        const script = path.join(TMP, `${scenario}.sh`);
        await exec(process.execPath, [BIN, 'logs', '--docker', ...names, '--script', script, '--format', 'json'], { maxBuffer: 64 << 20 }).catch((e: { code?: number }) => {
          // Exit 1 means "problems found", which is the point here.
          if (e.code !== 1) throw e;
        });
        const applied = await exec('bash', [script, '--apply'], { cwd: TMP, env: { ...process.env, ETCDDOCTOR_WAIT_SECONDS: '60' }, maxBuffer: 16 << 20 }).catch(
          (e: { stdout: string; stderr: string }) => {
            throw new Error(`fix.sh --apply failed:\n${e.stdout}\n${e.stderr}`);
          },
        );
        expect(applied.stdout).toContain('done: every step ran and every check held.');

        // Every member healthy, the lists agree (three started members), the data is there.
        const lists: string[] = [];
        for (let n = 1; n <= 3; n++) {
          const url = cluster.clientUrl(n);
          await ctl(names[n - 1]!, url, 'endpoint', 'health');
          const list = (await ctl(names[n - 1]!, url, 'member', 'list')).trim().split('\n').sort();
          expect(list).toHaveLength(3);
          expect(list.every((l) => l.includes(', started, '))).toBe(true);
          lists.push(list.join('\n'));
          const keys = await ctl(names[n - 1]!, url, 'get', '--prefix', '/etcddoctor/demo', '--print-value-only');
          expect(keys.trim().split('\n')).toEqual(['value1', 'value2', 'value3']);
        }
        expect(new Set(lists).size).toBe(1);
      } finally {
        await removeCluster(prefix).catch(() => undefined);
      }
    });
  });
});
