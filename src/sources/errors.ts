// Typed errors the core throws; the CLI turns each into one clear line.

/** A problem with one input (a file, a folder, stdin, a container): the others go on. */
export class SourceError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`${input}: ${message}`);
    this.name = 'SourceError';
  }
}

/** Bad command-line usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Describe a Node system error (ENOENT, EACCES, EISDIR ...) in an operator's words. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    case 'ENOTDIR':
      return 'not a folder';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EMFILE':
      return 'too many open files';
    default:
      return e?.message ? String(e.message).split('\n')[0]! : String(err);
  }
}
