// Renders a Report's plan as a bash script: dry-run unless --apply, every check re-run against
// the live cluster before its step, bounded waits for health after it, stop at the first failure.
// Every word that came from the plan is single-quoted by shellQuote; nothing is ever evaluated.
import type { CommandArg, CommandRun, PlanStep, Report, StepCheck } from '../model/report.js';
import { SCRIPT_VAR_RE } from '../model/report-values.js';
import { shellQuote, shellQuoteText } from '../remedy/shell-quote.js';

/** Programs and script functions a step may run; anything else in argv[0] is refused. */
const ALLOWED_PROGRAMS = new Set([
  'docker',
  'etcdctl',
  'env',
  'kubectl',
  'mv',
  'mkdir',
  'systemctl',
  'timeout',
  'etcddoctor_save_container',
  'etcddoctor_recreate_container',
  'etcddoctor_wipe_volume',
]);

const BUILTIN_VARS = new Set(['STATE_DIR', 'STAMP']);

function q(s: string): string {
  return shellQuote(s);
}

function t(s: string): string {
  return shellQuoteText(s);
}

function word(a: CommandArg, vars: ReadonlySet<string>): string {
  if (typeof a === 'string') return q(a);
  if (!SCRIPT_VAR_RE.test(a.var) || !vars.has(a.var)) throw new Error(`script: unknown variable ${JSON.stringify(a.var)}`);
  return `${a.prefix ? q(a.prefix) : ''}"\${${a.var}}"${a.suffix ? q(a.suffix) : ''}`;
}

function words(argv: readonly CommandArg[], vars: ReadonlySet<string>): string {
  return argv.map((a) => word(a, vars)).join(' ');
}

function describeCheck(c: StepCheck): string {
  const who = [c.memberId ? `member ${c.memberId}` : null, c.name ? `named ${c.name}` : null, c.peerURL ? `with peer URL ${c.peerURL}` : null]
    .filter(Boolean)
    .join(' ');
  const member = who ? `the member ${who.replace(/^member /, '')}` : 'the member';
  switch (c.kind) {
    case 'endpoint-healthy':
      return `${c.endpoint ?? '?'} answers endpoint health`;
    case 'member-listed':
      return `${member} is in the member list`;
    case 'member-not-listed':
      return `${member} is not in the member list`;
    case 'quorum-after-removal':
      return `the members left after removing ${c.memberId ?? '?'} still form a healthy majority`;
    case 'quorum-healthy':
      return 'a majority of the voting members answer endpoint health';
    case 'all-members-started':
      return 'every member is started and answers endpoint health';
    case 'snapshot-exists':
      return 'the backup snapshot exists and is not empty';
    case 'container-exists':
      return `container ${c.container ?? '?'} exists`;
  }
}

/** The shell call that verifies a check at run time: a function of the preamble and quoted words. */
function checkCall(c: StepCheck, vars: ReadonlySet<string>): string {
  const ctl = c.etcdctl.map(q).join(' ');
  const ep = q(c.endpoint ?? '');
  switch (c.kind) {
    case 'endpoint-healthy':
      return `chk_endpoint_healthy ${ep} ${ctl}`;
    case 'member-listed':
      return `chk_member_listed ${ep} ${q(c.memberId ?? '')} ${q(c.name ?? '')} ${q(c.peerURL ?? '')} ${ctl}`;
    case 'member-not-listed':
      return `chk_member_not_listed ${ep} ${q(c.memberId ?? '')} ${q(c.peerURL ?? '')} ${ctl}`;
    case 'quorum-after-removal':
      return `chk_quorum_after_removal ${ep} ${q(c.memberId ?? '')} ${ctl}`;
    case 'quorum-healthy':
      return `chk_quorum_healthy ${ep} ${ctl}`;
    case 'all-members-started':
      return `chk_all_members_started ${ep} ${ctl}`;
    case 'snapshot-exists':
      return `chk_snapshot_exists ${c.path === null ? "''" : word(c.path, vars)}`;
    case 'container-exists':
      return `chk_container_exists ${q(c.container ?? '')}`;
  }
}

function needsEtcdctl(c: StepCheck): boolean {
  return !['snapshot-exists', 'container-exists'].includes(c.kind);
}

function renderRun(r: CommandRun, vars: ReadonlySet<string>): string {
  const first = r.argv[0];
  if (typeof first !== 'string' || !ALLOWED_PROGRAMS.has(first)) throw new Error(`script: refusing to run ${JSON.stringify(first)}`);
  if (r.captureAs) {
    if (!vars.has(r.captureAs)) throw new Error(`script: unknown variable ${r.captureAs}`);
    return `  capture ${r.captureAs} ${q(r.capture ?? 'member-id')} ${words(r.argv, vars)}`;
  }
  return `  run ${words(r.argv, vars)}`;
}

function renderStep(s: PlanStep, n: number, vars: ReadonlySet<string>): string {
  const lines: string[] = [];
  lines.push(`step_${n}() {`);
  const target = [s.node ? `on ${s.node}` : null, s.memberId ? `member ${s.memberId}` : null].filter(Boolean).join(', ');
  lines.push(`  begin_step ${n} ${q(s.action)} ${q(s.risk)} ${t(target)} ${t(s.why)}`);
  for (const c of s.checks ?? []) {
    if (needsEtcdctl(c) && c.etcdctl.length === 0) continue;
    lines.push(`  if ((APPLY)); then ${checkCall(c, vars)} || stop ${n} ${t(`precondition failed: ${describeCheck(c)}`)}; else say ${t(`  check: ${describeCheck(c)}`)}; fi`);
  }
  const runs = s.run ?? [];
  const mode = s.mode ?? (runs.length > 0 ? 'auto' : 'info');
  if (mode === 'auto' && runs.length > 0) {
    for (const r of runs) lines.push(renderRun(r, vars));
  } else if (mode === 'manual') {
    lines.push(`  say ${t(`  by hand${s.host ? ` on ${s.host}` : ''}:`)}`);
    for (const c of s.commands) lines.push(`  say ${t(`    ${c}`)}`);
    lines.push(`  manual_step ${n}`);
  } else {
    for (const c of s.commands) lines.push(`  say ${t(`    ${c}`)}`);
  }
  for (const c of s.waitFor ?? []) {
    if (needsEtcdctl(c) && c.etcdctl.length === 0) continue;
    lines.push(`  if ((APPLY)); then wait_until ${n} ${t(describeCheck(c))} ${checkCall(c, vars)}; else say ${t(`  then wait until: ${describeCheck(c)}`)}; fi`);
  }
  lines.push('}');
  return lines.join('\n');
}

const PREAMBLE = String.raw`set -euo pipefail

APPLY=0
FROM=1
STATE_DIR=""
WAIT_SECONDS="${'$'}{ETCDDOCTOR_WAIT_SECONDS:-120}"

usage() {
  cat <<'USAGE'
Usage: fix.sh [--apply] [--from STEP] [--state-dir DIR]

Without --apply the script only prints what it would do. With --apply it runs each step,
re-checking the step's preconditions against the live cluster first and waiting (bounded,
ETCDDOCTOR_WAIT_SECONDS, default 120) for health after it. It stops at the first failure
or manual step; fix what it says, then run it again with --from STEP.
USAGE
}

while (($#)); do
  case "$1" in
    --apply) APPLY=1 ;;
    --from)
      FROM="${'$'}{2:-}"
      shift
      ;;
    --state-dir)
      STATE_DIR="${'$'}{2:-}"
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
  shift
done
[[ "$FROM" =~ ^[0-9]+$ ]] || { echo "--from needs a step number" >&2; exit 2; }
[[ "$WAIT_SECONDS" =~ ^[0-9]+$ ]] || WAIT_SECONDS=120

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
STATE_DIR="${'$'}{STATE_DIR:-./etcddoctor-state-$STAMP}"
CURRENT_STEP=0

say() { printf '%s\n' "$*"; }

stop() { # stop STEP MESSAGE
  printf 'etcddoctor: STOPPED at step %s: %s\n' "$1" "$2" >&2
  printf 'etcddoctor: fix it, then run again with: --apply --from %s\n' "$1" >&2
  exit 1
}

begin_step() { # begin_step N ACTION RISK TARGET WHY
  CURRENT_STEP=$1
  printf '\n== step %s: %s (%s) %s\n' "$1" "$2" "$3" "$4"
  printf '   why: %s\n' "$5"
}

show() {
  printf '  $'
  printf ' %q' "$@"
  printf '\n'
}

# etcd refuses membership changes for a few seconds after one ("etcdserver: unhealthy cluster")
# and while a leader is elected: those answers are retried, within the wait bound.
TRANSIENT='etcdserver: (unhealthy cluster|leader changed|too many requests|request timed out)'
attempt() { # attempt COMMAND...: runs it, retrying etcd's transient refusals; prints its output
  local out rc waited=0
  while :; do
    rc=0
    out="$("$@" 2>&1)" || rc=$?
    if ((rc != 0)) && [[ "$out" =~ $TRANSIENT ]] && ((waited < WAIT_SECONDS)); then
      printf '  (etcd answered "%s"; trying again in 2s)\n' "${'$'}{BASH_REMATCH[0]}" >&2
      sleep 2
      waited=$((waited + 2))
      continue
    fi
    [[ -z "$out" ]] || printf '%s\n' "$out"
    return "$rc"
  done
}

run() {
  show "$@"
  if ((APPLY)); then
    attempt "$@" || stop "$CURRENT_STEP" "command failed (exit $?)"
  fi
}

capture() { # capture VAR KIND COMMAND...: runs COMMAND, keeps the member ID or revision it prints
  local var=$1 kind=$2 out value=""
  shift 2
  show "$@"
  if ((APPLY)); then
    out="$(attempt "$@")" || stop "$CURRENT_STEP" "command failed"
    printf '%s\n' "$out"
    case "$kind" in
      member-id) value="$(printf '%s\n' "$out" | sed -nE 's/^Member +([0-9a-f]{1,16}) added.*/\1/p' | head -n 1)" ;;
      revision) value="$(printf '%s\n' "$out" | grep -oE '"revision":[0-9]+' | head -n 1 | cut -d: -f2)" ;;
    esac
    case "$kind" in
      member-id) [[ "$value" =~ ^[0-9a-f]{1,16}$ ]] || stop "$CURRENT_STEP" "no member ID in the output" ;;
      revision) [[ "$value" =~ ^[0-9]{1,19}$ ]] || stop "$CURRENT_STEP" "no revision in the output" ;;
    esac
  else
    value="<$var>"
  fi
  printf -v "$var" '%s' "$value"
}

manual_step() {
  if ((APPLY)); then
    printf 'etcddoctor: step %s must be done by hand (above). Then run again with: --apply --from %s\n' "$1" "$(($1 + 1))" >&2
    exit 3
  fi
}

wait_until() { # wait_until STEP DESCRIPTION CHECK...: bounded
  local step=$1 what=$2 waited=0
  shift 2
  until "$@"; do
    if ((waited >= WAIT_SECONDS)); then
      stop "$step" "gave up after ${'$'}{WAIT_SECONDS}s waiting until: $what"
    fi
    sleep 2
    waited=$((waited + 2))
  done
  say "  ok: $what"
}

valid_url() {
  local re='^https?://[]A-Za-z0-9.:[-]+(:[0-9]+)?/?$'
  [[ "$1" =~ $re ]]
}

# ctl_at URL ETCDCTL... ARGS: etcdctl with the endpoint put in its slot (@ENDPOINTS@ becomes
# ETCDCTL_ENDPOINTS=URL, @ENDPOINTS_FLAG@ becomes --endpoints=URL).
ctl_at() {
  local url=$1 a
  local -a cmd=()
  shift
  valid_url "$url" || return 1
  for a in "$@"; do
    case "$a" in
      @ENDPOINTS@) cmd+=("ETCDCTL_ENDPOINTS=$url") ;;
      @ENDPOINTS_FLAG@) cmd+=("--endpoints=$url") ;;
      *) cmd+=("$a") ;;
    esac
  done
  timeout 20 "${'$'}{cmd[@]}"
}

# members EP ETCDCTL...: "id, status, name, peer URLs, client URLs, learner" per member.
members() {
  ctl_at "$@" member list 2>/dev/null
}

healthy_at() { # healthy_at URL ETCDCTL...
  ctl_at "$@" endpoint health >/dev/null 2>&1
}

chk_endpoint_healthy() { healthy_at "$@"; }

chk_member_listed() { # EP ID NAME PEER ETCDCTL...
  local ep=$1 list
  list="$(members "$ep" "${'$'}{@:5}")" || return 1
  printf '%s\n' "$list" | ID="$2" NAME="$3" PEER="$4" awk -F', ' '
    (ENVIRON["ID"] == "" || $1 == ENVIRON["ID"]) && (ENVIRON["NAME"] == "" || $3 == ENVIRON["NAME"]) &&
    (ENVIRON["PEER"] == "" || index("," $4 ",", "," ENVIRON["PEER"] ",") > 0) { found = 1 }
    END { exit found ? 0 : 1 }'
}

chk_member_not_listed() { # EP ID PEER ETCDCTL...
  local ep=$1 list
  list="$(members "$ep" "${'$'}{@:4}")" || return 1
  printf '%s\n' "$list" | ID="$2" PEER="$3" awk -F', ' '
    (ENVIRON["ID"] != "" && $1 == ENVIRON["ID"]) || (ENVIRON["PEER"] != "" && index("," $4 ",", "," ENVIRON["PEER"] ",") > 0) { found = 1 }
    END { exit found ? 1 : 0 }'
}

# count_healthy EP SKIP_ID ETCDCTL...: prints "voters healthy" over the voting members but SKIP_ID.
count_healthy() {
  local ep=$1 skip=$2 list id status learner url voters=0 healthy=0
  shift 2
  list="$(members "$ep" "$@")" || return 1
  while IFS=, read -r id status _ _ url learner; do
    id="${'$'}{id// /}"
    status="${'$'}{status// /}"
    url="${'$'}{url// /}"
    learner="${'$'}{learner// /}"
    [[ -n "$id" && "$id" != "$skip" && "$learner" != true ]] || continue
    voters=$((voters + 1))
    if [[ "$status" == started ]] && healthy_at "$url" "$@"; then healthy=$((healthy + 1)); fi
  done < <(printf '%s\n' "$list" | sed -E 's/, /,/g')
  printf '%s %s\n' "$voters" "$healthy"
}

chk_quorum_after_removal() { # EP ID ETCDCTL...: the members left keep a healthy majority
  local counts voters healthy
  counts="$(count_healthy "$1" "$2" "${'$'}{@:3}")" || return 1
  read -r voters healthy <<<"$counts"
  ((voters > 0 && healthy >= voters / 2 + 1))
}

chk_quorum_healthy() { # EP ETCDCTL...
  local counts voters healthy
  counts="$(count_healthy "$1" "" "${'$'}{@:2}")" || return 1
  read -r voters healthy <<<"$counts"
  ((voters > 0 && healthy >= voters / 2 + 1))
}

chk_all_members_started() { # EP ETCDCTL...
  local counts voters healthy
  counts="$(count_healthy "$1" "" "${'$'}{@:2}")" || return 1
  read -r voters healthy <<<"$counts"
  ((voters > 0 && healthy == voters))
}

chk_snapshot_exists() { [[ -s "$1" ]]; }

chk_container_exists() { docker container inspect "$1" >/dev/null 2>&1; }

valid_container() { [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$ ]]; }

# Saves what "docker run" needs to recreate a container, one value per line, under $STATE_DIR.
etcddoctor_save_container() {
  local name=$1 dir
  valid_container "$name" || stop "$CURRENT_STEP" "bad container name"
  dir="$STATE_DIR/containers/$name"
  mkdir -p "$dir"
  docker container inspect -f '{{.Config.Image}}' "$name" >"$dir/image"
  docker container inspect -f '{{.HostConfig.NetworkMode}}' "$name" >"$dir/network"
  docker container inspect -f '{{.HostConfig.RestartPolicy.Name}}' "$name" >"$dir/restart"
  docker container inspect -f '{{.Config.User}}' "$name" >"$dir/user"
  docker container inspect -f '{{.Config.WorkingDir}}' "$name" >"$dir/workdir"
  docker container inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$name" >"$dir/env"
  docker container inspect -f '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{println}}{{end}}' "$name" >"$dir/labels"
  docker container inspect -f '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}}{{else}}{{.Source}}{{end}}:{{.Destination}}{{if not .RW}}:ro{{end}}{{println}}{{end}}' "$name" >"$dir/mounts"
  docker container inspect -f '{{range $p, $b := .HostConfig.PortBindings}}{{range $b}}{{if .HostIp}}{{.HostIp}}:{{end}}{{.HostPort}}:{{$p}}{{println}}{{end}}{{end}}' "$name" >"$dir/ports"
  docker container inspect -f '{{range $n, $e := .NetworkSettings.Networks}}{{range $e.Aliases}}{{println .}}{{end}}{{end}}' "$name" >"$dir/aliases"
  docker container inspect -f '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$name" >"$dir/entrypoint"
  docker container inspect -f '{{range .Config.Cmd}}{{println .}}{{end}}' "$name" >"$dir/cmd"
  docker container inspect -f '{{.Id}}' "$name" >"$dir/id"
}

# etcddoctor_recreate_container NAME [env KEY=VALUE | flag --key=value]...: runs the container
# again from its saved (or current) configuration with these values changed.
etcddoctor_recreate_container() {
  local name=$1 dir image network restart user workdir id e keep o a skip
  shift
  valid_container "$name" || stop "$CURRENT_STEP" "bad container name"
  dir="$STATE_DIR/containers/$name"
  if docker container inspect "$name" >/dev/null 2>&1; then
    etcddoctor_save_container "$name"
    docker stop "$name" >/dev/null
    docker rm "$name" >/dev/null
  fi
  [[ -s "$dir/image" ]] || stop "$CURRENT_STEP" "no saved configuration for container $name in $dir"
  local -a set_env=() set_flag=() env=() labels=() mounts=() ports=() aliases=() entry=() cmd=() words=() args=()
  while (($# >= 2)); do
    case "$1" in
      env) set_env+=("$2") ;;
      flag) set_flag+=("$2") ;;
      *) stop "$CURRENT_STEP" "bad override" ;;
    esac
    shift 2
  done
  image="$(<"$dir/image")"
  network="$(<"$dir/network")"
  restart="$(<"$dir/restart")"
  user="$(<"$dir/user")"
  workdir="$(<"$dir/workdir")"
  id="$(<"$dir/id")"
  mapfile -t env <"$dir/env"
  mapfile -t labels <"$dir/labels"
  mapfile -t mounts <"$dir/mounts"
  mapfile -t ports <"$dir/ports"
  mapfile -t aliases <"$dir/aliases"
  # One word per line; the template and docker each end with a newline, so drop empty lines.
  mapfile -t entry < <(grep -v '^$' "$dir/entrypoint" || true)
  mapfile -t cmd < <(grep -v '^$' "$dir/cmd" || true)
  args=(docker run -d --name "$name")
  [[ -n "$network" ]] && args+=(--network "$network")
  if [[ -n "$network" && ! "$network" =~ ^(host|bridge|default|none|container:.*)$ ]]; then
    for a in "${'$'}{aliases[@]}"; do
      [[ -n "$a" && "$id" != "$a"* ]] && args+=(--network-alias "$a")
    done
  fi
  [[ -n "$restart" ]] && args+=(--restart "$restart")
  [[ -n "$user" ]] && args+=(--user "$user")
  [[ -n "$workdir" ]] && args+=(--workdir "$workdir")
  for e in "${'$'}{env[@]}"; do
    [[ -n "$e" ]] || continue
    keep=1
    for o in "${'$'}{set_env[@]}"; do [[ "${'$'}{e%%=*}" == "${'$'}{o%%=*}" ]] && keep=0; done
    ((keep)) && args+=(-e "$e")
  done
  for o in "${'$'}{set_env[@]}"; do args+=(-e "$o"); done
  for a in "${'$'}{labels[@]}"; do [[ -n "$a" ]] && args+=(--label "$a"); done
  for a in "${'$'}{mounts[@]}"; do [[ -n "$a" ]] && args+=(-v "$a"); done
  for a in "${'$'}{ports[@]}"; do [[ -n "$a" ]] && args+=(-p "$a"); done
  if ((${'$'}{#entry[@]} > 0)); then
    args+=(--entrypoint "${'$'}{entry[0]}")
    words=("${'$'}{entry[@]:1}" "${'$'}{cmd[@]}")
  else
    words=("${'$'}{cmd[@]}")
  fi
  args+=("$image")
  # Drop the flags being set (--k=v, -k=v, --k v, -k v), then append the new values.
  skip=0
  for a in "${'$'}{words[@]}"; do
    if ((skip)); then
      skip=0
      continue
    fi
    keep=1
    for o in "${'$'}{set_flag[@]}"; do
      local flag="${'$'}{o%%=*}"
      flag="${'$'}{flag#--}"
      if [[ "$a" == "--$flag="* || "$a" == "-$flag="* ]]; then keep=0; fi
      if [[ "$a" == "--$flag" || "$a" == "-$flag" ]]; then
        keep=0
        skip=1
      fi
    done
    ((keep)) && args+=("$a")
  done
  args+=("${'$'}{set_flag[@]}")
  show "${'$'}{args[@]}"
  "${'$'}{args[@]}" >/dev/null
}

# Removes a volume and creates it again, empty, with the same labels.
etcddoctor_wipe_volume() {
  local vol=$1 l
  local -a labels=() args=(docker volume create)
  [[ "$vol" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$ ]] || stop "$CURRENT_STEP" "bad volume name"
  mapfile -t labels < <(docker volume inspect -f '{{range $k, $v := .Labels}}{{$k}}={{$v}}{{println}}{{end}}' "$vol")
  docker volume rm "$vol" >/dev/null
  for l in "${'$'}{labels[@]}"; do [[ -n "$l" ]] && args+=(--label "$l"); done
  args+=("$vol")
  "${'$'}{args[@]}" >/dev/null
}
`;

/** The remediation script for a report's plan. Pure. */
export function renderScript(report: Report): string {
  const plan = report.plan;
  const out: string[] = [];
  out.push('#!/usr/bin/env bash');
  out.push(`# Remediation script generated by etcddoctor ${/^[0-9A-Za-z.+-]{1,40}$/.test(report.tool.version) ? report.tool.version : ''}.`);
  out.push('# Dry-run by default: it prints each command. Run it with --apply to execute (see --help).');
  out.push('# Every value in it was validated when the plan was made and is single-quoted here.');
  // SC2016: advice lines show $(...) literally, on purpose. SC2034: a captured member ID is only
  // shown. SC2317: step functions and checks are called through variables and wait_until.
  out.push('# shellcheck disable=SC2016,SC2034,SC2317');
  out.push(PREAMBLE);
  const captures = new Set<string>();
  for (const s of plan?.steps ?? []) for (const r of s.run ?? []) if (r.captureAs) captures.add(r.captureAs);
  for (const c of captures) if (!SCRIPT_VAR_RE.test(c) || BUILTIN_VARS.has(c)) throw new Error(`script: bad capture variable ${JSON.stringify(c)}`);
  const vars = new Set([...BUILTIN_VARS, ...captures]);
  for (const c of [...captures].sort()) out.push(`${c}=""`);

  out.push('');
  out.push(`say ${t(`etcddoctor plan: ${report.verdict.summary}`)}`);
  out.push(`say ${t(`deployment: ${plan?.deployment ?? 'unknown'} (${plan?.deploymentFrom ?? ''})`)}`);
  for (const b of plan?.blocked ?? []) out.push(`say ${t(`BLOCKED: ${b}`)}`);
  for (const n of plan?.notes ?? []) out.push(`say ${t(`note: ${n}`)}`);
  out.push('if ((APPLY)); then say "mode: APPLY (state and backups in $STATE_DIR)"; mkdir -p "$STATE_DIR"; else say "mode: dry-run (nothing is changed; run with --apply to execute)"; fi');
  out.push('');

  const steps = plan?.steps ?? [];
  steps.forEach((s, i) => {
    out.push(renderStep(s, i + 1, vars));
    out.push('');
  });
  if (steps.length === 0) out.push('say "Nothing to do."');
  else {
    out.push(`for ((i = FROM; i <= ${steps.length}; i++)); do`);
    out.push('  "step_$i"');
    out.push('done');
  }
  const blocked = (plan?.blocked.length ?? 0) > 0;
  out.push(blocked ? `say ${t('done; the plan is BLOCKED: only read-only steps ran (see above).')}` : 'if ((APPLY)); then say "done: every step ran and every check held."; else say "dry-run done; run with --apply to execute."; fi');
  if (blocked) out.push('exit 4');
  return out.join('\n') + '\n';
}
