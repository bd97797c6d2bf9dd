// Shared types of the etcdctl output parsers: the kinds of output and the records a parser yields.
import type { Alarm, ClusterSnapshot, Endpoint, Member } from '../../model/index.js';

export type EtcdctlKind =
  | 'member-list'
  | 'endpoint-health'
  | 'endpoint-status'
  | 'alarm-list'
  | 'v2-members'
  | 'cluster-health';

/** The endpoint columns a parser can fill; the builder merges rows of the same endpoint. */
export type EndpointFields = Partial<Omit<Endpoint, 'endpoint' | 'source'>>;

/** One fact read from etcdctl output; the snapshot builder adds the source and merges. */
export type EtcdctlRecord =
  | { type: 'member'; member: Omit<Member, 'source'> }
  | { type: 'endpoint'; endpoint: string; fields: EndpointFields; fallback?: EndpointFields }
  | { type: 'alarm'; alarm: Omit<Alarm, 'source'> }
  | { type: 'cluster-id'; clusterId: string };

/** What a parser made of one line, table row or JSON document. */
export interface ParsedOutput {
  kind: EtcdctlKind;
  records: EtcdctlRecord[];
  /** Problems worth telling the operator, without source and line (the reader adds them). */
  problems: string[];
}

export interface EtcdctlResult {
  snapshot: ClusterSnapshot;
  kinds: EtcdctlKind[];
  warnings: string[];
}

export interface EtcdctlReader {
  /** Offer one line (no trailing newline, CR already stripped). true when the line was consumed as etcdctl output (table borders and headers included). Never throws. */
  accept(line: string, lineNo: number): boolean;
  /** End of input: flush any pending table/JSON and return what was read. */
  finish(): EtcdctlResult;
}

export function makeOutput(kind: EtcdctlKind, records: EtcdctlRecord[] = [], problems: string[] = []): ParsedOutput {
  return { kind, records, problems };
}
