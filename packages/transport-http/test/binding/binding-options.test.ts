import { createGovcService } from '@govc/service';
import { describe, expect, it } from 'vitest';
import { createHttpBinding } from '../../src/index.js';

describe('createHttpBinding options', () => {
  it('refuses, when the binding is made, limits no request could meet (regression: a negative maxMessageBytes got through)', () => {
    const service = createGovcService();
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ maxMessageBytes: -1 }, /^maxMessageBytes must be an integer >= 1/],
      [{ maxMessageBytes: 0 }, /^maxMessageBytes must be an integer >= 1/],
      [{ maxMessageBytes: 2 ** 32 }, /^maxMessageBytes must be an integer >= 1 and <= 4294967295/],
      [{ maxInflatedBytes: 1.5 }, /^maxInflatedBytes must be an integer/],
      [{ compressionThreshold: -1 }, /^compressionThreshold must be an integer >= 0/],
      [{ maxMessageBytes: '16MiB' }, /^maxMessageBytes must be an integer >= 1 and <= 4294967295, got "16MiB"/],
    ];
    for (const [options, message] of refused) expect(() => createHttpBinding(service, options), JSON.stringify(options)).toThrow(message);
    expect(createHttpBinding(service, { maxMessageBytes: 1, compressionThreshold: 0 }).name).toBe('http');
  });
});
