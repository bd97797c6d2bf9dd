// The executable's entry: runs the CLI on the real process and sets the exit code.
import { processIO } from './io.js';
import { toolVersion } from '../version.js';

// A closed pipe (etcddoctor ... | head -1) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // What commander prints for these, without loading commander: a third of --version's time.
  // test/cli/entry.test.ts holds the two equal.
  process.stdout.write(`${toolVersion()}\n`);
  process.exitCode = 0;
} else {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(argv, processIO());
}
