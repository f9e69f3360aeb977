import { describe, expect, it } from 'vitest';
import { errorCodes, isErrorCode, type ErrorCode } from '../../src/index.js';
import { codeFromHttpStatus, grpcStatusOf, httpStatusOf } from '../../src/protocol/index.js';

// Connect's table (connectrpc.com/docs/protocol#error-codes) and gRPC's status numbers.
const expected: ReadonlyArray<[ErrorCode, number, number]> = [
  ['canceled', 499, 1],
  ['unknown', 500, 2],
  ['invalid_argument', 400, 3],
  ['deadline_exceeded', 504, 4],
  ['not_found', 404, 5],
  ['already_exists', 409, 6],
  ['permission_denied', 403, 7],
  ['resource_exhausted', 429, 8],
  ['failed_precondition', 400, 9],
  ['aborted', 409, 10],
  ['out_of_range', 400, 11],
  ['unimplemented', 501, 12],
  ['internal', 500, 13],
  ['unavailable', 503, 14],
  ['data_loss', 500, 15],
  ['unauthenticated', 401, 16],
];

describe('errorCodes', () => {
  it("is gRPC's closed set of sixteen codes, in gRPC order", () => {
    expect(errorCodes).toEqual(expected.map(([code]) => code));
    expect(new Set(errorCodes).size).toBe(16);
  });

  it('recognises every code and nothing else', () => {
    for (const code of errorCodes) expect(isErrorCode(code)).toBe(true);
    const others: unknown[] = [
      'ok',
      'OK',
      'Canceled',
      'cancelled',
      'NOT_FOUND',
      'not-found',
      '',
      ' unknown',
      'unknown ',
      'toString',
      '__proto__',
      'constructor',
      1,
      0,
      null,
      undefined,
      {},
      ['unknown'],
      new String('unknown'),
    ];
    for (const value of others) expect(isErrorCode(value), String(value)).toBe(false);
  });
});

describe.each(expected)('%s', (code, http, grpc) => {
  it(`maps to HTTP ${http} as Connect does`, () => {
    expect(httpStatusOf[code]).toBe(http);
  });

  it(`maps to gRPC status ${grpc}`, () => {
    expect(grpcStatusOf[code]).toBe(grpc);
  });
});

describe('status tables', () => {
  it('cover exactly the closed set', () => {
    expect(Object.keys(httpStatusOf).sort()).toEqual([...errorCodes].sort());
    expect(Object.keys(grpcStatusOf).sort()).toEqual([...errorCodes].sort());
  });

  it('use only the HTTP statuses Connect uses', () => {
    expect(new Set(Object.values(httpStatusOf))).toEqual(new Set([400, 401, 403, 404, 409, 429, 499, 500, 501, 503, 504]));
  });

  it('give every code its own gRPC number, 1 to 16 (0 is OK, never an error)', () => {
    expect(Object.values(grpcStatusOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });
});

describe('codeFromHttpStatus', () => {
  it.each([
    [400, 'invalid_argument'],
    [401, 'unauthenticated'],
    [403, 'permission_denied'],
    [404, 'unimplemented'],
    [408, 'deadline_exceeded'],
    [409, 'aborted'],
    [412, 'failed_precondition'],
    [413, 'resource_exhausted'],
    [415, 'internal'],
    [429, 'unavailable'],
    [499, 'canceled'],
    [501, 'unimplemented'],
    [502, 'unavailable'],
    [503, 'unavailable'],
    [504, 'unavailable'],
  ] as const)('maps %i to %s', (status, code) => {
    expect(codeFromHttpStatus(status)).toBe(code);
  });

  it.each([0, 100, 200, 204, 301, 302, 402, 405, 418, 422, 500, 505, 599, 600, 999, -1, 400.5, NaN, Infinity])(
    'maps %d, which no govc error produces and no table names, to unknown',
    (status) => {
      expect(codeFromHttpStatus(status)).toBe('unknown');
    },
  );

  it('reads back the code of a status that only one code produces', () => {
    // 400, 409 and 500 are shared by several codes, and 404 / 504 mean a missing route or a
    // gateway rather than a govc answer, so only these statuses identify their code alone.
    const unique: ReadonlyArray<ErrorCode> = ['unauthenticated', 'permission_denied', 'canceled', 'unimplemented'];
    for (const code of unique) expect(codeFromHttpStatus(httpStatusOf[code])).toBe(code);
  });

  it('always returns a code of the closed set', () => {
    for (let status = 0; status < 1000; status++) expect(isErrorCode(codeFromHttpStatus(status))).toBe(true);
  });
});
