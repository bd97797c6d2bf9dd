// Strict patterns for every value a plan puts into a command. A value read from a log or an
// etcdctl/docker output that fails its pattern never reaches a command: the plan is blocked.

export const VALUE_KINDS = ['member-id', 'name', 'url', 'container', 'path', 'volume', 'cluster-token'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

const PATTERNS: Record<ValueKind, RegExp> = {
  'member-id': /^[0-9a-f]{1,16}$/,
  name: /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
  url: /^https?:\/\/[A-Za-z0-9.:[\]-]+(:[0-9]+)?\/?$/,
  // Docker's container name pattern ([a-zA-Z0-9][a-zA-Z0-9_.-]+), bounded.
  container: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
  path: /^\/[A-Za-z0-9._/-]{0,4095}$/,
  // Docker's volume name pattern.
  volume: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/,
  'cluster-token': /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
};

const DESCRIBE: Record<ValueKind, string> = {
  'member-id': 'a member ID (1-16 lowercase hex digits)',
  name: 'a member name (letters, digits, . _ -)',
  url: 'a URL (http(s)://host:port)',
  container: 'a container name',
  path: 'an absolute path (letters, digits, . _ / -)',
  volume: 'a volume name',
  'cluster-token': 'a cluster token',
};

export function isValid(kind: ValueKind, value: string | null | undefined): value is string {
  if (typeof value !== 'string') return false;
  if (!PATTERNS[kind].test(value)) return false;
  // `..` would let a path escape the directory it names.
  if (kind === 'path' && value.split('/').includes('..')) return false;
  return true;
}

/** Why `value` cannot go into a command, or null when it can. The value is shown escaped. */
export function invalidReason(kind: ValueKind, value: string | null | undefined, what: string): string | null {
  const text: string | null | undefined = value;
  if (isValid(kind, text)) return null;
  if (text === null || text === undefined || text === '') return `${what} is not known`;
  return `${what} ${JSON.stringify(String(text).slice(0, 80))} is not ${DESCRIBE[kind]}; it is never put into a command`;
}

export function quorumOf(voters: number): number {
  return Math.floor(voters / 2) + 1;
}
