// Test helpers: feed a real fixture to an etcdctl reader line by line, as the pipeline does.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEtcdctlReader, type EtcdctlResult } from '../../../src/parsers/etcdctl/index.js';

export const REAL = fileURLToPath(new URL('../../../fixtures/real/etcdctl/', import.meta.url));

/** A fixture's lines; from-source fixtures lose their first "# built from ..." line. */
export function readFixtureLines(path: string): string[] {
  const lines = readFileSync(REAL + path, 'utf8').replace(/\r/g, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (path.startsWith('from-source/') && lines[0]?.startsWith('# ')) lines.shift();
  return lines;
}

export interface ReadOutcome {
  result: EtcdctlResult;
  /** The lines the reader did not consume (what the caller counts as unparsed). */
  rejected: string[];
}

/** Runs lines through a fresh reader. */
export function readLines(source: string, lines: string[]): ReadOutcome {
  const reader = createEtcdctlReader(source);
  const rejected: string[] = [];
  lines.forEach((line, i) => {
    if (!reader.accept(line, i + 1)) rejected.push(line);
  });
  return { result: reader.finish(), rejected };
}

/** Runs one fixture file (named by its path under fixtures/real/etcdctl/) through a fresh reader. */
export function readFixture(path: string): ReadOutcome {
  return readLines(path, readFixtureLines(path));
}

/** Lines etcdctl's gRPC client logs to stderr (zap JSON); the log parsers take them, not this reader. */
export function isClientLogLine(line: string): boolean {
  return line.startsWith('{"level":');
}
