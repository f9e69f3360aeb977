import { describe, expect, it } from 'vitest';
import { GovcError } from '../../src/index.js';
import { CallScope } from '../../src/protocol/index.js';

describe('call scope', () => {
  it('leaves no unhandled rejection when work is raced after the call ended (regression)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const scope = new CallScope(undefined, undefined);
      scope.end(new GovcError('canceled', 'gone'));
      await expect(scope.race(Promise.reject(new GovcError('canceled', 'late work failed')))).rejects.toMatchObject({ rawMessage: 'gone' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
