// The project's parsers as the rule examples runner needs them: log lines, etcdctl output
// blocks and docker inspect JSON. Shared by the catalog test and `etcddoctor rules check`.
import type { ExampleParsers } from '../engine/examples.js';
import { createEtcdctlReader } from '../parsers/etcdctl/index.js';
import { parseLogLine } from '../parsers/line-parser.js';
import { containersFromInspectJson } from '../sources/docker/inspect.js';

export function projectExampleParsers(file: string): ExampleParsers {
  return {
    parseLine: (text) => parseLogLine(text, { source: file, lineNo: 1, node: 'example' }),
    readSnapshot: (block) => {
      const reader = createEtcdctlReader(file);
      block.split('\n').forEach((line, i) => reader.accept(line, i + 1));
      return reader.finish().snapshot;
    },
    readContainers: containersFromInspectJson,
  };
}
