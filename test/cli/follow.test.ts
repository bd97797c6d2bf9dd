// --follow's pure parts: which diagnoses appeared, changed or cleared between two correlations,
// and the line each change prints. The live loop is tested on a real cluster in test/e2e.
import { describe, expect, it } from 'vitest';
import { diffDiagnoses, renderChange, renderVerdictChange } from '../../src/cli/follow.js';
import type { Diagnosis } from '../../src/model/report.js';

const diag = (id: Diagnosis['id'], affected: string[], over: Partial<Diagnosis> = {}): Diagnosis => ({
  id,
  title: `${affected.join(' and ')} ${id}`,
  severity: 'error',
  confidence: 0.9,
  affectedNodes: affected,
  healthyNodes: [],
  explanation: '',
  findings: [],
  symptoms: [],
  facts: {},
  ...over,
});

describe('diffDiagnoses', () => {
  it('keys a diagnosis by its id and affected nodes', () => {
    const down = diag('peer-unreachable', ['etcd3']);
    const quorum = diag('quorum-lost', ['etcd2', 'etcd3'], { severity: 'critical' });
    expect(diffDiagnoses([], [down])).toEqual({ appeared: [down], changed: [], cleared: [] });
    expect(diffDiagnoses([down], [down])).toEqual({ appeared: [], changed: [], cleared: [] });
    expect(diffDiagnoses([down], [quorum])).toEqual({ appeared: [quorum], changed: [], cleared: [down] });
    // another node affected is another diagnosis
    const other = diag('peer-unreachable', ['etcd2']);
    expect(diffDiagnoses([down], [other])).toEqual({ appeared: [other], changed: [], cleared: [down] });
  });

  it('says when the same diagnosis gets another severity or title', () => {
    const before = diag('peer-unreachable', ['etcd3'], { title: 'etcd3 cannot be reached by its peers' });
    const after = diag('peer-unreachable', ['etcd3'], { title: 'etcd3 is down', severity: 'critical' });
    expect(diffDiagnoses([before], [after])).toEqual({ appeared: [], changed: [after], cleared: [] });
  });
});

describe('renderChange', () => {
  const at = '2026-11-22T04:29:53.120Z';
  it('prints one line per change, with the affected nodes', () => {
    const d = diag('peer-unreachable', ['etcd3'], { title: 'etcd3 is down' });
    expect(renderChange({ event: 'appeared', at, diagnosis: d })).toBe('04:29:53  + error     peer-unreachable: etcd3 is down [etcd3]\n');
    expect(renderChange({ event: 'changed', at, diagnosis: { ...d, severity: 'critical' } })).toBe('04:29:53  ~ critical  peer-unreachable: etcd3 is down [etcd3]\n');
    expect(renderChange({ event: 'cleared', at, diagnosis: d })).toBe('04:29:53  - cleared   peer-unreachable: etcd3 is down\n');
    expect(renderVerdictChange(at, { status: 'degraded', summary: 'DEGRADED: etcd3 is down.', evidence: [] })).toBe('04:29:53  = verdict   DEGRADED: etcd3 is down.\n');
  });

  it('never passes control characters from logs to the terminal', () => {
    const d = diag('cluster-id-mismatch', ['etcd\u001b[31m3'], { title: 'etcd\u001b[31m3 belongs to another cluster' });
    expect(renderChange({ event: 'appeared', at, diagnosis: d })).toBe('04:29:53  + error     cluster-id-mismatch: etcd?[31m3 belongs to another cluster [etcd?[31m3]\n');
  });
});
