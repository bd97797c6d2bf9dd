// Named checks over the containers `docker inspect` described: a crash loop, an OOM kill, a member
// that exited while its peers run. Registered in checks.ts; pure functions over the snapshot.
import type { ClusterSnapshot } from '../model/cluster.js';
import type { ContainerInfo } from '../model/container.js';
import type { CheckHit, SnapshotCheck } from './checks.js';

/** Restarts at which a restart policy counts as a crash loop rather than one bad start. */
export const CRASH_LOOP_RESTARTS = 3;

function isCrashLooping(c: ContainerInfo): boolean {
  return c.state === 'restarting' || c.restartCount >= CRASH_LOOP_RESTARTS;
}

function isDown(c: ContainerInfo): boolean {
  return c.state === 'exited' || c.state === 'created' || c.state === 'dead';
}

/**
 * Whether the other containers of the snapshot run. A lone container counts as having running
 * peers: its exit is news either way. When every container is down, the cluster was stopped (or
 * lost as a whole), and one more finding per container says nothing the first does not.
 */
function peersRun(c: ContainerInfo, all: readonly ContainerInfo[]): boolean {
  const others = all.filter((o) => o !== c);
  return others.length === 0 || others.some((o) => o.state === 'running' || o.state === 'restarting');
}

function hit(c: ContainerInfo, facts: Record<string, string[]>, text: string): CheckHit {
  return {
    subject: { name: c.name },
    facts: { container: [c.name], state: [c.state], ...facts },
    evidence: [{ source: `docker:${c.name}`, text: `docker inspect ${c.name}: ${text}` }],
  };
}

function when(c: ContainerInfo): string {
  return c.finishedAt ? ` at ${c.finishedAt}` : '';
}

const crashLoop: SnapshotCheck = (snapshot: ClusterSnapshot) =>
  snapshot.containers.filter(isCrashLooping).map((c) =>
    hit(
      c,
      {
        'restart-count': [String(c.restartCount)],
        'restart-policy': [c.restartPolicy.name],
        ...(c.exitCode !== null ? { 'exit-code': [String(c.exitCode)] } : {}),
      },
      `${c.state}, restarted ${c.restartCount} time(s) by restart policy ${c.restartPolicy.name}` +
        `${c.exitCode !== null ? `, last exit code ${c.exitCode}` : ''}${c.oomKilled ? ' (OOM-killed)' : ''}`,
    ),
  );

const oomKilled: SnapshotCheck = (snapshot) =>
  snapshot.containers
    .filter((c) => c.oomKilled)
    .map((c) =>
      hit(
        c,
        c.exitCode !== null ? { 'exit-code': [String(c.exitCode)] } : {},
        `killed by the kernel for running out of memory (State.OOMKilled true${c.exitCode !== null ? `, exit code ${c.exitCode}` : ''}${when(c)})`,
      ),
    );

/** Exited with an error code while its peers run; a crash loop or an OOM kill has its own check. */
const exitedError: SnapshotCheck = (snapshot) =>
  snapshot.containers
    .filter((c) => isDown(c) && c.exitCode !== null && c.exitCode !== 0 && !c.oomKilled && !isCrashLooping(c))
    .filter((c) => peersRun(c, snapshot.containers))
    .map((c) =>
      hit(
        c,
        { 'exit-code': [String(c.exitCode)], ...(c.error ? { error: [c.error] } : {}) },
        `${c.state} with exit code ${c.exitCode}${when(c)}${c.error ? `: ${c.error}` : ''}`,
      ),
    );

/** Stopped cleanly (exit 0, as `docker stop` leaves it) or never started, while its peers run. */
const notRunning: SnapshotCheck = (snapshot) =>
  snapshot.containers
    .filter((c) => isDown(c) && (c.exitCode === null || c.exitCode === 0) && !c.oomKilled && !isCrashLooping(c))
    .filter((c) => peersRun(c, snapshot.containers))
    .map((c) =>
      hit(
        c,
        c.exitCode !== null ? { 'exit-code': [String(c.exitCode)] } : {},
        c.state === 'created' || c.startedAt === null ? `${c.state}, never started` : `${c.state} with exit code ${c.exitCode ?? 0}${when(c)}`,
      ),
    );

export const CONTAINER_CHECKS = {
  'container-crash-loop': crashLoop,
  'container-oom-killed': oomKilled,
  'container-exited-error': exitedError,
  'container-not-running': notRunning,
} as const satisfies Record<string, SnapshotCheck>;
