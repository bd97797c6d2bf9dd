// A container as `docker inspect` describes it, reduced to what diagnosis and remediation need.
import { z } from 'zod';
import { CONTAINER_STATES, DEPLOYMENTS, ETCDCTL_CAPTURE } from './container-values.js';

// The vocabularies live in a zod-free module; they stay part of this module's surface.
export { CONTAINER_STATES, DEPLOYMENTS, ETCDCTL_CAPTURE } from './container-values.js';

export const ContainerStateSchema = z.enum(CONTAINER_STATES);
export type ContainerState = z.infer<typeof ContainerStateSchema>;

export const MountSchema = z.object({
  /** volume, bind, tmpfs, npipe. */
  type: z.string(),
  /** The volume's name; null for binds and tmpfs. */
  name: z.string().nullable(),
  /** Path on the host (a volume's lives under /var/lib/docker/volumes). */
  source: z.string().nullable(),
  destination: z.string(),
  rw: z.boolean(),
});
export type Mount = z.infer<typeof MountSchema>;

/** The labels docker compose (v1 and v2) puts on its containers. */
export const ComposeLabelsSchema = z.object({
  project: z.string(),
  service: z.string().nullable(),
  containerNumber: z.string().nullable(),
  workingDir: z.string().nullable(),
  configFiles: z.string().nullable(),
});
export type ComposeLabels = z.infer<typeof ComposeLabelsSchema>;

/** Where a configuration value came from: a command-line flag wins over ETCD_* (as in etcd). */
export const ConfigOriginSchema = z.enum(['flag', 'env']);

/** etcd's start-up configuration, exactly as written (comma lists kept as strings). */
export const EtcdConfigSchema = z.object({
  name: z.string().nullable(),
  dataDir: z.string().nullable(),
  initialCluster: z.string().nullable(),
  initialClusterState: z.string().nullable(),
  initialClusterToken: z.string().nullable(),
  initialAdvertisePeerUrls: z.string().nullable(),
  advertiseClientUrls: z.string().nullable(),
  listenPeerUrls: z.string().nullable(),
  listenClientUrls: z.string().nullable(),
  logger: z.string().nullable(),
  logOutputs: z.string().nullable(),
  /** --config-file: etcd then ignores every other flag and variable, and we cannot see the file. */
  configFile: z.string().nullable(),
  forceNewCluster: z.string().nullable(),
  certFile: z.string().nullable(),
  keyFile: z.string().nullable(),
  trustedCaFile: z.string().nullable(),
});
export type EtcdConfig = z.infer<typeof EtcdConfigSchema>;
export type EtcdConfigKey = keyof EtcdConfig;

export const ContainerInfoSchema = z.object({
  /** Without docker's leading slash. */
  name: z.string(),
  /** The short (12 hex digit) ID. */
  id: z.string(),
  image: z.string(),
  state: ContainerStateSchema,
  exitCode: z.number().int().nullable(),
  /** Docker's own error when it could not start the process (a bad mount, a missing binary). */
  error: z.string().nullable(),
  restartCount: z.number().int(),
  oomKilled: z.boolean(),
  /** ISO-8601; null when never started / never finished. */
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** The HEALTHCHECK's verdict when the image or run defines one. */
  health: z.string().nullable(),
  restartPolicy: z.object({ name: z.string(), maximumRetryCount: z.number().int() }),
  networkMode: z.string().nullable(),
  tty: z.boolean(),
  logDriver: z.string().nullable(),
  compose: ComposeLabelsSchema.nullable(),
  mounts: z.array(MountSchema),
  /** The process docker started: Path and Args (secret-looking flag values redacted). */
  command: z.object({ path: z.string(), args: z.array(z.string()) }),
  /** Only ETCD_* and ALLOW_NONE_AUTHENTICATION; values of PASSWORD/SECRET-like names redacted. */
  env: z.record(z.string(), z.string()),
  etcd: EtcdConfigSchema,
  /** For each value set in `etcd`, whether a flag or an ETCD_* variable set it. */
  etcdFrom: z.record(z.string(), ConfigOriginSchema),
  /** The data dir etcd uses (its default `<name>.etcd` in the working dir when none is set). */
  effectiveDataDir: z.string(),
  /** The mount that holds the data dir; null means the data lives in the container's own layer. */
  dataDirMount: MountSchema.nullable(),
  /** How the container was deployed, for rendering remediation commands. */
  deployment: z.enum(DEPLOYMENTS),
  /** The bitnami/etcd image or its conventions (ALLOW_NONE_AUTHENTICATION, BITNAMI_*). */
  bitnami: z.boolean(),
  /** How etcd is configured: by ETCD_* variables, by flags, both, or neither (defaults/config file). */
  configStyle: z.enum(['env', 'flags', 'mixed', 'none']),
  etcdctl: z.enum(ETCDCTL_CAPTURE),
  /** Why etcdctl output is missing or partial, one line. */
  etcdctlNote: z.string().nullable(),
});
export type ContainerInfo = z.infer<typeof ContainerInfoSchema>;
