import { describe, expect, it } from 'vitest';
import { describeValue } from '../../src/validation/describe-value.js';

describe('describeValue', () => {
  it('quotes a short value as JSON', () => {
    expect(describeValue('a"b\n')).toBe('"a\\"b\\n"');
  });

  it('escapes NUL and lone surrogates', () => {
    expect(describeValue('\0\uD800')).toBe('"\\u0000\\ud800"');
  });

  it('cuts a long value to 80 characters and says how long it was', () => {
    expect(describeValue('x'.repeat(1000))).toBe(`"${'x'.repeat(80)}"… (1000 chars)`);
  });
});
