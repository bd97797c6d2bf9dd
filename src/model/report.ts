// The Report: the one output model. Its JSON form is a public contract (REPORT_SCHEMA_VERSION, in report-values.ts).
import { z } from 'zod';
import { ClusterSnapshotSchema } from './cluster.js';
import { EventRefSchema, LogFormatSchema } from './event.js';
import { CHECK_KINDS, DIAGNOSIS_IDS, INPUT_KINDS, REPORT_SCHEMA_VERSION, SCRIPT_VAR_RE, SEVERITIES, STEP_ACTIONS } from './report-values.js';

// The schema version and vocabularies live in a zod-free module; they stay part of this module's surface.
export { CHECK_KINDS, DIAGNOSIS_IDS, INPUT_KINDS, REPORT_SCHEMA_VERSION, SCRIPT_VAR_RE, SEVERITIES, STEP_ACTIONS } from './report-values.js';

export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

export const NodeSummarySchema = z.object({
  name: z.string(),
  /** Hex member ID when the logs or etcdctl output named it. */
  memberId: z.string().nullable(),
  /** Every member ID the node's lines used, oldest first (a wiped member comes back with a new one). */
  memberIds: z.array(z.string()),
  /** The member name etcd's own startup lines gave (--name), which may differ from the node name. */
  memberName: z.string().nullable(),
  /** How the name was decided: flag, compose, kubectl, journald, docker, filename, startup, unknown. */
  nameFrom: z.string(),
  formats: z.array(LogFormatSchema),
  lines: z.number().int(),
  events: z.number().int(),
  unparsed: z.number().int(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  sources: z.array(z.string()),
  /** The etcd version the node's startup lines printed. */
  version: z.string().nullable(),
  clusterIds: z.array(z.string()),
  peerURLs: z.array(z.string()),
  clientURLs: z.array(z.string()),
});
export type NodeSummary = z.infer<typeof NodeSummarySchema>;

export const InputSummarySchema = z.object({
  /** What the user named: a path, '-', or docker:NAME. */
  input: z.string(),
  kind: z.enum(INPUT_KINDS),
  /** For etcdctl outputs: member-list, endpoint-health, endpoint-status, alarm-list, v2-members, cluster-health. */
  detected: z.string().nullable(),
  ok: z.boolean(),
  bytes: z.number().int(),
  lines: z.number().int(),
  unparsed: z.number().int(),
  /** Problems reading this input, one clear line each. */
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type InputSummary = z.infer<typeof InputSummarySchema>;

export const EvidenceSchema = EventRefSchema.extend({
  node: z.string(),
  ts: z.string().nullable(),
  text: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const FindingSchema = z.object({
  rule: z.string(),
  title: z.string(),
  severity: SeveritySchema,
  node: z.string(),
  count: z.number().int(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  /** Facts captured from the matching events; each fact keeps its distinct values, bounded. */
  facts: z.record(z.string(), z.array(z.string())),
  evidence: z.array(EvidenceSchema),
});
export type Finding = z.infer<typeof FindingSchema>;

export const RuleOutcomeSchema = z.object({
  rule: z.string(),
  outcome: z.enum(['fired', 'passed', 'skipped']),
  /** For skipped rules: the input that was missing. */
  missing: z.string().nullable(),
});
export type RuleOutcome = z.infer<typeof RuleOutcomeSchema>;

export const DiagnosisIdSchema = z.enum(DIAGNOSIS_IDS);
export type DiagnosisId = z.infer<typeof DiagnosisIdSchema>;

export const FindingRefSchema = z.object({ rule: z.string(), node: z.string() });
export type FindingRef = z.infer<typeof FindingRefSchema>;

export const DiagnosisSchema = z.object({
  id: DiagnosisIdSchema,
  title: z.string(),
  severity: SeveritySchema,
  confidence: z.number().min(0).max(1),
  affectedNodes: z.array(z.string()),
  healthyNodes: z.array(z.string()),
  explanation: z.string(),
  findings: z.array(FindingRefSchema),
  symptoms: z.array(FindingRefSchema),
  /** Facts the remediation planner needs (member IDs, cluster IDs, URLs), keyed by name. */
  facts: z.record(z.string(), z.string()),
});
export type Diagnosis = z.infer<typeof DiagnosisSchema>;

export const StepActionSchema = z.enum(STEP_ACTIONS);
export type StepAction = z.infer<typeof StepActionSchema>;

/** One word of a command: a literal, or a script variable between literal text. */
export const CommandArgSchema = z.union([
  z.string(),
  z.object({ var: z.string().regex(SCRIPT_VAR_RE), prefix: z.string().default(''), suffix: z.string().default('') }),
]);
export type CommandArg = z.infer<typeof CommandArgSchema>;

/** A command as an argument vector (never a shell string); its output may be captured into a variable. */
export const CommandRunSchema = z.object({
  argv: z.array(CommandArgSchema).min(1),
  /** Capture stdout into this variable; `capture` says which part: a member ID, a revision. */
  captureAs: z.string().regex(SCRIPT_VAR_RE).optional(),
  capture: z.enum(['member-id', 'revision']).optional(),
});
export type CommandRun = z.infer<typeof CommandRunSchema>;

/** A condition the script verifies at run time, against the cluster as it is then. */
export const StepCheckSchema = z.object({
  kind: z.enum(CHECK_KINDS),
  /** The etcdctl command prefix, e.g. docker exec -e @ENDPOINTS@ NAME etcdctl; the script puts `endpoint` in the
   *  @ENDPOINTS@ (ETCDCTL_ENDPOINTS=URL) or @ENDPOINTS_FLAG@ (--endpoints=URL) slot. */
  etcdctl: z.array(z.string()).default([]),
  endpoint: z.string().nullable().default(null),
  memberId: z.string().nullable().default(null),
  name: z.string().nullable().default(null),
  peerURL: z.string().nullable().default(null),
  path: CommandArgSchema.nullable().default(null),
  container: z.string().nullable().default(null),
});
export type StepCheck = z.infer<typeof StepCheckSchema>;

export const PlanStepSchema = z.object({
  action: StepActionSchema,
  node: z.string().nullable(),
  memberId: z.string().nullable(),
  risk: z.enum(['read-only', 'reversible', 'destructive']),
  precondition: z.string(),
  why: z.string(),
  commands: z.array(z.string()),
  /** The diagnosis this step serves. */
  diagnosis: DiagnosisIdSchema.nullable(),
  // New in the remediation planner; optional so that older plans stay valid.
  /** auto (default when `run` is set): the script runs `run`; manual: an operator must (on another host, an edited file); info: advice only. */
  mode: z.enum(['auto', 'manual', 'info']).optional(),
  /** The host the step must run on when it is not this one (manual steps on systemd or k8s nodes). */
  host: z.string().nullable().optional(),
  /** The commands as argument vectors, for the script; `commands` is their display form. */
  run: z.array(CommandRunSchema).optional(),
  /** Re-checked by the script right before the step; the script stops when one fails. */
  checks: z.array(StepCheckSchema).optional(),
  /** Waited for (bounded) after the step; the script stops when one never holds. */
  waitFor: z.array(StepCheckSchema).optional(),
});
export type PlanStep = z.infer<typeof PlanStepSchema>;

export const PlanSchema = z.object({
  deployment: z.string(),
  /** Why a safe plan could not be made, when it could not; the steps are then empty or partial. */
  blocked: z.array(z.string()),
  steps: z.array(PlanStepSchema),
  /** How the deployment was decided: --deployment, containers, log prefixes, or the default. */
  deploymentFrom: z.string().optional(),
  /** What the plan rests on and what an operator should know before following it. */
  notes: z.array(z.string()).optional(),
});
export type Plan = z.infer<typeof PlanSchema>;

export const TimelineEntrySchema = z.object({
  ts: z.string().nullable(),
  node: z.string(),
  kind: z.string(),
  text: z.string(),
  ref: EventRefSchema.nullable(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const VerdictSchema = z.object({
  /** healthy: no problem and evidence of health; degraded: warnings or errors; broken: critical; unknown: too little input. */
  status: z.enum(['healthy', 'degraded', 'broken', 'unknown']),
  summary: z.string(),
  /** What the verdict rests on: the diagnoses' titles, or the evidence of health. */
  evidence: z.array(z.string()),
});
export type Verdict = z.infer<typeof VerdictSchema>;

export const ReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('etcddoctor'), version: z.string() }),
  totals: z.object({
    inputs: z.number().int(),
    lines: z.number().int(),
    events: z.number().int(),
    unparsed: z.number().int(),
  }),
  verdict: VerdictSchema,
  inputs: z.array(InputSummarySchema),
  nodes: z.array(NodeSummarySchema),
  cluster: ClusterSnapshotSchema,
  findings: z.array(FindingSchema),
  rules: z.array(RuleOutcomeSchema),
  diagnoses: z.array(DiagnosisSchema),
  plan: PlanSchema.nullable(),
  timeline: z.array(TimelineEntrySchema),
  /** Timeline entries left out to keep it bounded (long logs). */
  timelineDropped: z.number().int(),
});
export type Report = z.infer<typeof ReportSchema>;
