// Shell quoting for generated scripts: the one function every value passes through on its way
// into a bash script, so no text read from a log or an output can become shell syntax.

/**
 * `s` as one bash word, single-quoted: inside single quotes bash interprets nothing (no `$`,
 * backticks, `\`, globbing or word splitting), and a single quote is written as `'\''`.
 * Newlines stay literal inside the quotes. NUL cannot live in a bash word, so it is refused.
 */
export function shellQuote(s: string): string {
  if (s.includes('\0')) throw new Error('shellQuote: a NUL byte cannot be passed to a shell');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Free text for an `echo`-like line: control characters (newlines included) become spaces, then quoted. */
export function shellQuoteText(s: string): string {
  return shellQuote(s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' '));
}
