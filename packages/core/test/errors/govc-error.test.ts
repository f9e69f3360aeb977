import { describe, expect, it, vi } from 'vitest';
import { GovcError, errorCodes } from '../../src/index.js';

describe('GovcError', () => {
  it('is an Error carrying its code, raw message and name', () => {
    const error = new GovcError('not_found', 'no such repository');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(GovcError);
    expect(error.name).toBe('GovcError');
    expect(error.code).toBe('not_found');
    expect(error.rawMessage).toBe('no such repository');
    expect(error.message).toBe('[not_found] no such repository');
    expect(error.stack?.split('\n')[0]).toBe('GovcError: [not_found] no such repository');
    expect(String(error)).toBe('GovcError: [not_found] no such repository');
  });

  it('is recognised across two loaded copies of core, and nothing else passes for it', async () => {
    vi.resetModules();
    const other = await import('../../src/errors/govc-error.js');
    expect(other.GovcError).not.toBe(GovcError);
    const fromOther = new other.GovcError('not_found', 'made by the other copy');
    expect(fromOther).toBeInstanceOf(GovcError);
    expect(new GovcError('internal', 'x')).toBeInstanceOf(other.GovcError);
    expect(GovcError.from(fromOther)).toBe(fromOther);
    for (const impostor of [new Error('x'), { code: 'not_found', message: 'x' }, Object.create(Error.prototype), null, 'GovcError']) {
      expect(impostor instanceof GovcError).toBe(false);
    }
  });

  it('leaves a subclass its own instanceof test (regression: every GovcError passed for any subclass)', () => {
    class Narrower extends GovcError {}
    expect(new GovcError('internal', 'x')).not.toBeInstanceOf(Narrower);
    expect(new Narrower('internal', 'x')).toBeInstanceOf(Narrower);
    expect(new Narrower('internal', 'x')).toBeInstanceOf(GovcError);
  });

  it('prints only the code when the message is empty', () => {
    const error = new GovcError('internal', '');
    expect(error.message).toBe('[internal]');
    expect(error.rawMessage).toBe('');
  });

  it('keeps a cause only when one is given', () => {
    const cause = new TypeError('boom');
    expect(new GovcError('internal', 'x', { cause }).cause).toBe(cause);
    expect('cause' in new GovcError('internal', 'x')).toBe(false);
    // A falsy cause is still a cause.
    expect(new GovcError('internal', 'x', { cause: 0 }).cause).toBe(0);
  });

  it('carries server pushback', () => {
    expect(new GovcError('unavailable', 'busy', { retryAfterMs: 250 }).retryAfterMs).toBe(250);
    expect(new GovcError('unavailable', 'busy').retryAfterMs).toBeUndefined();
  });
});

describe('GovcError.from', () => {
  it('passes a GovcError through untouched, whatever the fallback', () => {
    const error = new GovcError('aborted', 'stale head');
    expect(GovcError.from(error)).toBe(error);
    expect(GovcError.from(error, 'internal')).toBe(error);
  });

  it("turns an aborted signal's AbortError into canceled", () => {
    const reason: unknown = AbortSignal.abort().reason;
    const error = GovcError.from(reason, 'internal');
    expect(error.code).toBe('canceled');
    expect(error.cause).toBe(reason);
  });

  it('turns any error named AbortError into canceled', () => {
    const abort = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    const error = GovcError.from(abort);
    expect(error.code).toBe('canceled');
    expect(error.rawMessage).toBe('The operation was aborted');
    expect(error.cause).toBe(abort);
    expect(GovcError.from(new DOMException('stop', 'AbortError')).code).toBe('canceled');
  });

  it("turns a timed-out signal's TimeoutError into deadline_exceeded", async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    const reason: unknown = signal.reason;
    const error = GovcError.from(reason, 'internal');
    expect(error.code).toBe('deadline_exceeded');
    expect(error.cause).toBe(reason);
    expect(GovcError.from(new DOMException('late', 'TimeoutError')).code).toBe('deadline_exceeded');
  });

  it('turns a plain error into unknown, keeping its message and the error as cause', () => {
    const cause = new TypeError('cannot read x');
    const error = GovcError.from(cause);
    expect(error.code).toBe('unknown');
    expect(error.rawMessage).toBe('cannot read x');
    expect(error.cause).toBe(cause);
  });

  it('uses the fallback code instead of unknown when given', () => {
    expect(GovcError.from(new RangeError('r'), 'internal').code).toBe('internal');
    expect(GovcError.from('text', 'unavailable').code).toBe('unavailable');
  });

  it('turns thrown non-errors into unknown with the value as cause', () => {
    const values: unknown[] = ['plain string', 42, 0, -1.5, true, false, null, undefined, 10n, Symbol('s'), { a: 1 }, [1, 2], () => 1];
    for (const value of values) {
      const error = GovcError.from(value);
      expect(error, String(typeof value)).toBeInstanceOf(GovcError);
      expect(error.code).toBe('unknown');
      expect(error.cause).toBe(value);
      expect(typeof error.rawMessage).toBe('string');
    }
    expect(GovcError.from('plain string').rawMessage).toBe('plain string');
    expect(GovcError.from(42).rawMessage).toBe('42');
  });

  it('does not treat a look-alike object as an abort', () => {
    expect(GovcError.from({ name: 'AbortError', message: 'm' }).code).toBe('unknown');
  });

  it('does not throw for a null-prototype object or one whose toString throws', () => {
    // Regression: String(value) threw "Cannot convert object to primitive value" from inside `from`.
    const bare: unknown = Object.create(null);
    const hostile = {
      toString(): string {
        throw new Error('no');
      },
    };
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    for (const value of [bare, hostile, proxy]) {
      const error = GovcError.from(value, 'internal');
      expect(error.code).toBe('internal');
      expect(error.cause).toBe(value);
      expect(error.rawMessage.length).toBeGreaterThan(0);
    }
  });
});

describe('GovcError wire form', () => {
  it.each(errorCodes)('round-trips %s through toJSON and fromJSON', (code) => {
    const error = new GovcError(code, `something ${code}`, { cause: new Error('secret'), retryAfterMs: 5 });
    const wire: unknown = JSON.parse(JSON.stringify(error));
    expect(wire).toEqual({ code, message: `something ${code}` });
    const back = GovcError.fromJSON(wire);
    expect(back.code).toBe(code);
    expect(back.rawMessage).toBe(`something ${code}`);
    expect(back.message).toBe(error.message);
  });

  it('sends only code and message: no cause, stack or name on the wire', () => {
    const json = JSON.stringify(new GovcError('internal', 'x', { cause: new Error('db password') }));
    expect(json).toBe('{"code":"internal","message":"x"}');
  });

  it('round-trips an empty message', () => {
    const back = GovcError.fromJSON(new GovcError('unavailable', '').toJSON());
    expect(back.code).toBe('unavailable');
    expect(back.rawMessage).toBe('');
  });

  it('reads a code without a message, as Connect allows', () => {
    const error = GovcError.fromJSON({ code: 'unavailable' });
    expect(error.code).toBe('unavailable');
    expect(error.rawMessage).toBe('');
  });

  it('ignores a message that is not a string', () => {
    const error = GovcError.fromJSON({ code: 'not_found', message: 42 });
    expect(error.code).toBe('not_found');
    expect(error.rawMessage).toBe('');
  });

  it('ignores extra fields such as Connect details', () => {
    const error = GovcError.fromJSON({ code: 'aborted', message: 'm', details: [{ type: 't', value: 'AA' }] });
    expect(error.code).toBe('aborted');
    expect(error.rawMessage).toBe('m');
  });

  it('keeps the message of a body with an unknown code, under the fallback code', () => {
    const error = GovcError.fromJSON({ code: 'teapot', message: 'short and stout' });
    expect(error.code).toBe('unknown');
    expect(error.rawMessage).toBe('short and stout');
    expect(GovcError.fromJSON({ code: 'NOT_FOUND', message: 'm' }, 'unavailable').code).toBe('unavailable');
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'not_found'],
    ['a boolean', true],
    ['an array', ['not_found', 'm']],
    ['an empty object', {}],
    ['a numeric code', { code: 5, message: '' }],
    ['a null code', { code: null }],
    ['an inherited code', Object.create({ code: 'x' }) as unknown],
  ])('turns a malformed body (%s) into a fallback error, not a crash', (_label, body) => {
    const error = GovcError.fromJSON(body);
    expect(error).toBeInstanceOf(GovcError);
    expect(error.code).toBe('unknown');
    expect(error.rawMessage.length).toBeGreaterThan(0);
    expect(GovcError.fromJSON(body, 'internal').code).toBe('internal');
  });

  it('does not take a code from the prototype chain of the body', () => {
    expect(GovcError.fromJSON(JSON.parse('{"__proto__":{"code":"not_found"},"message":"m"}')).code).toBe('unknown');
  });
});
