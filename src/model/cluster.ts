// The cluster as etcdctl (and docker inspect) describe it: members, endpoints, alarms.
import { z } from 'zod';
import { ContainerInfoSchema } from './container.js';

// The empty snapshot and blank endpoint live in a zod-free module; they stay part of this module's surface.
export { blankEndpoint, emptySnapshot } from './cluster-values.js';

export const MemberSchema = z.object({
  /** Member ID as lowercase hex, no padding, exactly as etcd prints it. */
  id: z.string().regex(/^[0-9a-f]{1,16}$/),
  /** Empty when the member was added but never started. */
  name: z.string(),
  peerURLs: z.array(z.string()),
  clientURLs: z.array(z.string()),
  started: z.boolean(),
  isLearner: z.boolean(),
  /** The input that described this member. */
  source: z.string(),
});
export type Member = z.infer<typeof MemberSchema>;

export const EndpointSchema = z.object({
  endpoint: z.string(),
  /** From endpoint health: true, false, or null when the input did not say. */
  health: z.boolean().nullable(),
  took: z.string().nullable(),
  error: z.string().nullable(),
  /** From endpoint status. */
  memberId: z.string().nullable(),
  leaderId: z.string().nullable(),
  isLeader: z.boolean().nullable(),
  isLearner: z.boolean().nullable(),
  version: z.string().nullable(),
  dbSize: z.number().nullable(),
  dbSizeInUse: z.number().nullable(),
  raftTerm: z.number().nullable(),
  raftIndex: z.number().nullable(),
  raftAppliedIndex: z.number().nullable(),
  errors: z.array(z.string()),
  source: z.string(),
});
export type Endpoint = z.infer<typeof EndpointSchema>;

export const AlarmSchema = z.object({
  memberId: z.string(),
  alarm: z.string(),
  source: z.string(),
});
export type Alarm = z.infer<typeof AlarmSchema>;

export const ClusterSnapshotSchema = z.object({
  /** Cluster ID as hex when an output carried it (member list -w json, endpoint status -w json). */
  clusterId: z.string().nullable(),
  members: z.array(MemberSchema),
  endpoints: z.array(EndpointSchema),
  alarms: z.array(AlarmSchema),
  /** Which etcdctl outputs were given, so rules that need one can be skipped when it is missing. */
  outputs: z.array(z.string()),
  /** Containers read through the Docker Engine API: state, configuration, mounts. */
  containers: z.array(ContainerInfoSchema),
});
export type ClusterSnapshot = z.infer<typeof ClusterSnapshotSchema>;
