// The commander program factory: a fresh program per run, so tests never share state.
import { Command, CommanderError, Option } from 'commander';
import { toolVersion } from '../version.js';
import { DEPLOYMENT_CHOICES } from '../remedy/detect-deployment.js';
import { FAIL_ON_CHOICES, REPORT_FORMAT_CHOICES } from './choices.js';
import { EXIT_CODES_HELP, EXIT_ERROR, EXIT_OK } from './exit-codes.js';
import { writeOut } from './io.js';
import type { CliIO } from './io.js';
import type { LogsOptions } from './logs-command.js';

// Each command's module is imported when that command runs: `--version` and `--help` then load
// commander alone, and `logs` does not pay for the rules commands (cli-table3, example runners)
// or the JSON Schema generator.

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function createProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('etcddoctor')
    .description('Tells you why your etcd cluster is broken and exactly how to fix it.')
    .version(toolVersion())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run etcddoctor --help for usage)');

  program
    .command('logs')
    .description('read etcd logs and etcdctl outputs from files, folders or stdin, and report')
    .argument('[inputs...]', 'log files, folders (every log file in them), or - for stdin')
    .option('--node <NAME=PATH>', 'the node a file belongs to (repeatable)', collect, [])
    .option('--tz <zone>', 'time zone of capnslog stamps, which carry none (default UTC)')
    .option('--year <year>', 'year of journald/syslog stamps, which carry none (default: this year)')
    .addOption(new Option('-f, --format <format>', 'report format').choices([...REPORT_FORMAT_CHOICES]).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a diagnosis is at or above this severity').choices([...FAIL_ON_CHOICES]).default('error'),
    )
    .option('--github', 'also append the Markdown report to $GITHUB_STEP_SUMMARY (GitHub Actions)')
    .option('--rules <dir>', 'add the rule files in this folder to the built-in catalog (repeatable)', collect, [])
    .option('-v, --verbose', 'show every evidence line kept')
    .option('--docker <containers...>', 'read running (or stopped) containers through the Docker Engine API')
    .option('--compose <project>', 'read every container of a docker compose project')
    .option('--docker-host <url>', 'Docker engine: unix:///var/run/docker.sock or tcp://HOST:PORT (default: DOCKER_HOST)')
    .option('--since <time>', 'container logs since: RFC 3339, unix seconds, or a duration such as 10m')
    .option('--until <time>', 'container logs until (same forms as --since)')
    .option('--tail <lines>', 'only the last N lines of each container log')
    .option('--no-exec', 'do not run etcdctl inside the containers')
    .option('--follow', 'keep reading the containers; print each diagnosis as it appears or clears, until Ctrl-C')
    .option('--script <file>', 'write the remediation plan as a bash script (dry-run unless run with --apply)')
    .addOption(new Option('--deployment <kind>', 'render remediation for this deployment instead of the detected one').choices([...DEPLOYMENT_CHOICES]))
    .addHelpText(
      'after',
      `
Examples:
  etcddoctor logs etcd1.log etcd2.log etcd3.log
  etcddoctor logs ./captured-logs/
  docker logs etcd1 2>&1 | etcddoctor logs -
  docker compose logs --no-color | etcddoctor logs
  etcddoctor logs --node etcd1=/var/log/etcd.log member-list.txt endpoint-health.json
  etcddoctor logs --docker etcd1 etcd2 etcd3
  etcddoctor logs --compose myproject --since 1h
  etcddoctor logs ./logs --format junit -o etcddoctor.xml --github --fail-on warning

Colour only when stdout is a terminal and NO_COLOR is not set.

${EXIT_CODES_HELP}`,
    )
    .action(async (inputs: string[], opts: LogsOptions) => {
      const { runLogs } = await import('./logs-command.js');
      setExit(await runLogs(inputs, opts, io));
    });

  program
    .command('schema')
    .description('print the JSON Schema of the report that logs --format json writes')
    .action(async () => {
      const { renderReportJsonSchema } = await import('../report/json-schema.js');
      await writeOut(io.stdout, renderReportJsonSchema());
      setExit(EXIT_OK);
    });

  program.addHelpText('after', `\n${EXIT_CODES_HELP}`);

  program
    .command('explain')
    .description('explain one etcd log line: how it reads, which rules it fires, what to look at next')
    .argument('<line...>', 'the log line (quote it)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--rules <dir>', 'add the rule files in this folder (repeatable)', collect, [])
    .action(async (line: string[], opts: { format: string; rules: string[] }) => {
      const { runExplain } = await import('./explain-command.js');
      setExit(await runExplain(line, opts, io));
    });

  const rulesCmd = program.command('rules').description('the rule catalog: list, show one, check a folder of your own');
  rulesCmd
    .command('list')
    .description('list every rule (built-in and --rules folders)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--rules <dir>', 'add the rule files in this folder (repeatable)', collect, [])
    .action(async (opts: { format: string; rules: string[] }) => {
      const { runRulesList } = await import('./rules-command.js');
      setExit(await runRulesList(opts, io));
    });
  rulesCmd
    .command('show')
    .description('show one rule: what it means, its references and examples')
    .argument('<id>', 'the rule id')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--rules <dir>', 'add the rule files in this folder (repeatable)', collect, [])
    .action(async (id: string, opts: { format: string; rules: string[] }) => {
      const { runRulesShow } = await import('./rules-command.js');
      setExit(await runRulesShow(id, opts, io));
    });
  rulesCmd
    .command('check')
    .description('validate a folder of custom rules and run their examples (exit 0 ok, 1 an example fails, 2 a file is invalid)')
    .argument('<dir>', 'the folder of rule files')
    .action(async (dir: string) => {
      const { runRulesCheck } = await import('./rules-command.js');
      setExit(await runRulesCheck(dir, io));
    });

  return program;
}

/** Run the CLI with argv (without node and script). Resolves to the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let code = 0;
  const program = createProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; commander already printed usage errors.
      return err.exitCode === 0 ? 0 : EXIT_ERROR;
    }
    const e = err as Error;
    if (e?.name === 'UsageError' || e?.name === 'SourceError' || e?.name === 'RuleFileError') {
      io.stderr.write(`etcddoctor: ${e.message}\n`);
      return EXIT_ERROR;
    }
    io.stderr.write(`etcddoctor: internal error: ${e?.message ?? String(err)}\n`);
    if (io.env.ETCDDOCTOR_DEBUG) io.stderr.write(`${e?.stack ?? ''}\n`);
    return EXIT_ERROR;
  }
}
