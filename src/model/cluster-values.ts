// The runtime values of src/model/cluster.ts (an empty snapshot, a blank endpoint), without zod:
// code that is no schema imports them from here, so that a plain run never loads zod
// (test/cli/startup.test.ts).
import type { ClusterSnapshot, Endpoint } from './cluster.js';

/** A snapshot that holds nothing yet: no etcdctl output, no containers. */
export function emptySnapshot(): ClusterSnapshot {
  return { clusterId: null, members: [], endpoints: [], alarms: [], outputs: [], containers: [] };
}

/** A blank endpoint row that parsers fill in. */
export function blankEndpoint(endpoint: string, source: string): Endpoint {
  return {
    endpoint,
    health: null,
    took: null,
    error: null,
    memberId: null,
    leaderId: null,
    isLeader: null,
    isLearner: null,
    version: null,
    dbSize: null,
    dbSizeInUse: null,
    raftTerm: null,
    raftIndex: null,
    raftAppliedIndex: null,
    errors: [],
    source,
  };
}
