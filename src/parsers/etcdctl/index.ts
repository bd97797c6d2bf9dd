// The etcdctl output parsers' public API: a line-driven reader per input, and merging of several inputs' snapshots.
export { createEtcdctlReader, MAX_JSON_BYTES } from './reader.js';
export { mergeSnapshots } from './snapshot.js';
export type { EtcdctlKind, EtcdctlReader, EtcdctlResult } from './types.js';
