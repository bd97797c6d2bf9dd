// The program factory's option choices are literal copies (so --version loads no zod and no
// renderer); they must stay equal to the lists they copy.
import { expect, it } from 'vitest';
import { FAIL_ON_CHOICES, REPORT_FORMAT_CHOICES } from '../../src/cli/choices.js';
import { FAIL_ON_LEVELS } from '../../src/report/common.js';
import { REPORT_FORMATS } from '../../src/report/index.js';

it('the --format choices are the report formats', () => {
  expect([...REPORT_FORMAT_CHOICES]).toEqual([...REPORT_FORMATS]);
});

it('the --fail-on choices are the severities and none', () => {
  expect([...FAIL_ON_CHOICES]).toEqual([...FAIL_ON_LEVELS]);
});
