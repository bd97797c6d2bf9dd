// The runtime values of src/model/report.ts (its schema version and vocabularies), without zod:
// code that is no schema imports them from here, so that a plain run never loads zod
// (test/cli/startup.test.ts).

/** The version of the Report's JSON form, a public contract. */
export const REPORT_SCHEMA_VERSION = 1;

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;

export const INPUT_KINDS = ['log', 'etcdctl', 'docker', 'unknown'] as const;

export const DIAGNOSIS_IDS = [
  'cluster-id-mismatch',
  'member-not-found',
  'member-removed',
  'already-bootstrapped',
  'bad-configuration',
  'discovery-failure',
  'quorum-lost',
  'election-storm',
  'peer-unreachable',
  'nospace',
  'slow-disk',
  'overload',
  'data-corruption',
  'clock-drift',
  'tls-failure',
  'member-unstarted',
] as const;

export const STEP_ACTIONS = [
  'backup-snapshot',
  'stop-member',
  'remove-member',
  'wipe-data-dir',
  'add-member',
  'start-member',
  'restore-snapshot',
  'force-new-cluster',
  'compact',
  'defrag',
  'disarm-alarm',
  'raise-quota',
  'fix-config',
  'check-network',
  'check-disk',
  'sync-clock',
  'renew-certificates',
  'verify-health',
] as const;

/** A name the script fills in at run time (its state dir, a time stamp, a captured output). */
export const SCRIPT_VAR_RE = /^[A-Z][A-Z0-9_]{0,31}$/;

export const CHECK_KINDS = [
  'endpoint-healthy',
  'member-listed',
  'member-not-listed',
  'quorum-after-removal',
  'quorum-healthy',
  'snapshot-exists',
  'container-exists',
  'all-members-started',
] as const;
