// Every message template's own examples, lines that must give no facts, and the cost of a bad line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MEMBER_ID,
  MESSAGE_TEMPLATES,
  decimalIdToHex,
  extractMessageFacts,
  firstWord,
  matchMessageTemplate,
  unquoteGo,
} from '../../src/parsers/message-facts.js';

describe('MESSAGE_TEMPLATES', () => {
  it('has unique ids and at least one example per template', () => {
    const ids = MESSAGE_TEMPLATES.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of MESSAGE_TEMPLATES) expect(t.examples.length, t.id).toBeGreaterThan(0);
  });

  it('names every group so it maps to a lowercase kebab-case field', () => {
    for (const t of MESSAGE_TEMPLATES) {
      for (const ex of t.examples) {
        for (const key of Object.keys(ex.facts)) expect(key, `${t.id}: ${key}`).toMatch(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);
      }
    }
  });

  for (const t of MESSAGE_TEMPLATES) {
    describe(t.id, () => {
      for (const ex of t.examples) {
        it(`extracts the facts of: ${ex.msg.slice(0, 90)}`, () => {
          expect(ex.msg.includes(t.literal), 'the literal prefilter must occur in the example').toBe(true);
          expect(matchMessageTemplate(ex.msg, ex.component)?.template.id).toBe(t.id);
          expect(extractMessageFacts(ex.msg, ex.component)).toEqual(ex.facts);
        });
      }
    });
  }
});

describe('extractMessageFacts', () => {
  it('gives nothing for messages that carry no fact', () => {
    const unrelated: Array<[string, string]> = [
      ['', ''],
      ['server is likely overloaded', 'etcdserver'],
      ['simple token is not cryptographically signed', 'auth'],
      ['ready to serve client requests', 'embed'],
      ['the member has been permanently removed from the cluster', 'etcdserver'],
      ['the data-dir used by this member must be removed.', 'etcdserver'],
      ['the server is already initialized as member before, starting as etcd member...', 'etcdmain'],
      ['publish error: etcdserver: request timed out', 'etcdserver'],
      ['cannot fetch cluster info from peer urls: could not retrieve cluster information from the given URLs', 'etcdmain'],
      ['walpb: crc mismatch', 'etcdmain'],
      ['mvcc: store.index: compact 3', 'mvcc'],
      ['finished scheduled compaction at 3 (took 123.069µs)', 'mvcc'],
      ['/health error; no leader (status code 503)', 'etcdserver/api/etcdhttp'],
      ['applying raft message exceeded backend quota', 'etcdserver'],
      ['forgot to set --initial-cluster flag?', 'etcdmain'],
      // zap msgs: their facts are fields already
      ['starting local member', 'etcdserver'],
      ['prober detected unhealthy status', 'rafthttp'],
      ['request cluster ID mismatch', 'rafthttp'],
      ['peer became inactive (message send to peer failed)', 'rafthttp'],
      ['lost TCP streaming connection with remote peer', 'rafthttp'],
      ['added member', 'membership'],
      ['alarm raised', 'etcdserver'],
      // look-alikes that are not the template's message
      ['peer nothex became active', 'rafthttp'],
      ['52a1d530dc8029dd became observer at term 1', 'raft'],
      ['52a1d530dc8029dd has received 2 MsgVoteResp votes and 0 vote rejections', 'raft'],
      ['name = m1', 'mvcc'],
      ['raft.node: 52a1d530dc8029dd elected leader at term 2', 'raft'],
      ['starting member 52A1D530DC8029DD in cluster c6dd3be22ab34025', 'etcdserver'],
      ['starting member 52a1d530dc8029dd0 in cluster c6dd3be22ab34025', 'etcdserver'],
    ];
    for (const [msg, component] of unrelated) expect(extractMessageFacts(msg, component), msg).toEqual({});
  });

  it('reads the bare config lines whatever the package when the journal dropped it', () => {
    expect(extractMessageFacts('name = etcd1', '')).toEqual({ name: 'etcd1' });
  });

  it('returns a fresh object the caller may change', () => {
    const a = extractMessageFacts('added peer 4db25673a9ab25d5', 'rafthttp');
    a.x = 'y';
    expect(extractMessageFacts('added peer 4db25673a9ab25d5', 'rafthttp')).toEqual({ 'remote-peer-id': '4db25673a9ab25d5' });
  });

  it('stays linear on long adversarial lines', () => {
    const long = 100_000;
    const started = performance.now();
    for (const t of MESSAGE_TEMPLATES) {
      const base = t.examples[0]!.msg;
      const cut = base.indexOf(t.literal) + t.literal.length;
      const fillers = ['(', ' (', ')', '"', '\\"', '" "', ' ', 'a', '0', '1 ', '[', '] ', '=', ', ', ') (prober "', ' ClientURLs:[', ' to cluster ', ' from ', t.literal];
      for (const filler of fillers) {
        const msg = base.slice(0, cut) + filler.repeat(long / filler.length);
        extractMessageFacts(msg, t.examples[0]!.component);
      }
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('helpers', () => {
  it('takes the first word up to a space, parenthesis, colon or bracket', () => {
    expect(firstWord('tocommit(313) is out of range')).toBe('tocommit');
    expect(firstWord('raft.node: 52a1d530dc8029dd lost leader')).toBe('raft.node');
    expect(firstWord('52a1d530dc8029dd [term: 1] received')).toBe('52a1d530dc8029dd');
    expect(firstWord('/health error due to')).toBe('/health');
    expect(firstWord('x'.repeat(40))).toBe('');
    expect(firstWord('')).toBe('');
  });

  it('tries raft templates on a first word that is both English and hex', () => {
    expect(extractMessageFacts('added became leader at term 2', 'raft')).toEqual({ 'raft-local-id': 'added', 'raft-state': 'leader', term: '2' });
  });

  it('converts decimal raft IDs to hex exactly, beyond 2^53', () => {
    expect(decimalIdToHex('16428293200477625300')).toBe('e3fd05a0006f1bd4');
    expect(decimalIdToHex('18446744073709551615')).toBe('ffffffffffffffff');
    expect(decimalIdToHex('1')).toBe('1');
  });

  it('undoes Go %q quoting', () => {
    expect(unquoteGo('"key:\\"a\\\\b\\" \\x41\\u00e9\\n"')).toBe('key:"a\\b" Aé\n');
    expect(unquoteGo('""')).toBe('');
  });
});

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'real');
const CAPNSLOG = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [A-Z] \| ([^:]+): (.*)$/;
const RAFT_STDLIB = /^raft\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d (?:[A-Z]+: )?(.*)$/;
// Member and cluster IDs; `sent-request-id` is a decimal request number, not one of them.
const ID_FIELD = /(?:member|peer|leader|cluster|local)-id(?:-from)?$|^(?:from|to|vote-to|vote-from|raft-local-id)$/;

/** Messages of the real captures, with the component the parsers give them. */
function realMessages(): Array<{ where: string; msg: string; component: string }> {
  const out: Array<{ where: string; msg: string; component: string }> = [];
  for (const format of ['capnslog', 'zap']) {
    const dir = join(FIXTURES, format);
    if (!existsSync(dir)) continue;
    for (const scenario of readdirSync(dir)) {
      const sdir = join(dir, scenario);
      if (!existsSync(sdir) || !readdirSync(sdir).length) continue;
      for (const file of readdirSync(sdir).filter((f) => /^etcd\d+\.log$/.test(f))) {
        const where = `${format}/${scenario}/${file}`;
        for (const line of readFileSync(join(sdir, file), 'utf8').split('\n')) {
          let m = CAPNSLOG.exec(line);
          if (m) out.push({ where, msg: m[2]!, component: m[1]! });
          else if ((m = RAFT_STDLIB.exec(line))) out.push({ where, msg: m[1]!, component: 'raft' });
          else if (line.startsWith('{')) {
            try {
              // zap's own msgs are short constants whose facts are fields; only raft's text
              // (it starts with the member's hex ID) goes through the templates.
              const j = JSON.parse(line) as { msg?: unknown };
              if (typeof j.msg === 'string' && /^[0-9a-f]{1,16} /.test(j.msg)) out.push({ where, msg: j.msg, component: 'raft' });
            } catch {
              // a truncated line at the end of a capture
            }
          }
        }
      }
    }
  }
  return out;
}

describe('real captures in fixtures/real', () => {
  const messages = realMessages();

  it.skipIf(messages.length === 0)('match every template whose first word and literal they carry', () => {
    const nearMisses: string[] = [];
    for (const { where, msg, component } of messages) {
      if (matchMessageTemplate(msg, component) !== undefined) continue;
      const word = firstWord(msg);
      const hex = /^[0-9a-f]{1,16}$/.test(word);
      const near = MESSAGE_TEMPLATES.filter((t) => (t.first.includes(word) || (hex && t.first.includes(MEMBER_ID))) && msg.includes(t.literal));
      if (near.length > 0) nearMisses.push(`${where}: [${near.map((t) => t.id).join(',')}] ${msg}`);
    }
    expect(nearMisses).toEqual([]);
  });

  it.skipIf(messages.length === 0)('give member IDs as unpadded lowercase hex', () => {
    for (const { where, msg, component } of messages) {
      for (const [k, v] of Object.entries(extractMessageFacts(msg, component))) {
        if (ID_FIELD.test(k)) expect(v, `${where}: ${k} in ${msg}`).toMatch(/^[0-9a-f]{1,16}$/);
        if (k === 'voters') expect(v, `${where}: ${msg}`).toMatch(/^(?:[0-9a-f]{1,16}(?:,[0-9a-f]{1,16})*)?$/);
      }
    }
  });
});
