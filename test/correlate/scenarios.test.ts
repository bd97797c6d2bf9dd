// Every real capture of a broken cluster gives the diagnosis it was broken into, first, with
// the affected and healthy nodes its scenario.json names; healthy captures give no diagnosis at
// warning or above.
import { describe, expect, it } from 'vitest';
import { itDiagnoses, readScenarios } from '../helpers/scenario-diagnoses.js';

const scenarios = readScenarios('real', ['capnslog', 'zap']);

describe('diagnoses of real captures', () => {
  it('has captures of every kind', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
  });
  for (const { dir, s } of scenarios) itDiagnoses(dir, s);
});
