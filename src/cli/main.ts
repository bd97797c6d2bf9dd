// The executable's entry: runs the CLI on the real process and sets the exit code.
import { processIO } from './io.js';
import { runCli } from './program.js';

// A closed pipe (etcddoctor ... | head -1) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const code = await runCli(process.argv.slice(2), processIO());
process.exitCode = code;
