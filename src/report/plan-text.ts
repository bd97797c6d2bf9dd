// The remediation plan as plain text: the full plan for a terminal, and a one-paragraph summary
// printed when a script is written.
import type { Plan, Report } from '../model/report.js';

/** Control characters (ANSI escapes from logs included) never reach the terminal. */
function safe(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '?');
}

export function renderPlanText(plan: Plan): string {
  const out: string[] = [`Remediation plan (${safe(plan.deployment)}${plan.deploymentFrom ? `; ${safe(plan.deploymentFrom)}` : ''}):`];
  for (const b of plan.blocked) out.push(`  BLOCKED: ${safe(b)}`);
  for (const n of plan.notes ?? []) out.push(`  note: ${safe(n)}`);
  plan.steps.forEach((s, i) => {
    const target = [s.node, s.memberId ? `member ${s.memberId}` : null].filter(Boolean).join(', ');
    out.push('', `  ${i + 1}. ${s.action}${target ? ` (${safe(target)})` : ''} [${s.risk}${s.mode === 'manual' ? `, by hand${s.host ? ` on ${safe(s.host)}` : ''}` : s.mode === 'info' ? ', advice' : ''}]`);
    out.push(`     why: ${safe(s.why)}`);
    if (s.precondition && s.precondition !== 'none') out.push(`     only if: ${safe(s.precondition)}`);
    for (const c of s.commands) out.push(`     $ ${safe(c)}`);
  });
  if (plan.steps.length === 0 && plan.blocked.length === 0) out.push('  nothing to do');
  return out.join('\n') + '\n';
}

/** What was written and what it will do, for stderr. */
export function renderPlanSummary(report: Report, file: string): string {
  const plan = report.plan;
  if (!plan) return `etcddoctor: wrote ${safe(file)}: no plan\n`;
  const auto = plan.steps.filter((s) => s.mode === 'auto').length;
  const manual = plan.steps.filter((s) => s.mode === 'manual').length;
  const lines = [
    `etcddoctor: wrote ${safe(file)}: ${plan.steps.length} step(s) for ${safe(plan.deployment)} (${auto} scripted, ${manual} by hand).`,
    ...plan.blocked.map((b) => `etcddoctor: BLOCKED: ${safe(b)}`),
    `etcddoctor: review it with "bash ${safe(file)}" (dry-run), then run "bash ${safe(file)} --apply".`,
  ];
  return lines.join('\n') + '\n';
}
