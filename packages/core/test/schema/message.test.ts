import { describe, expect, expectTypeOf, it } from 'vitest';
import { CommitRequest, type BatchOperation, type Blob, type MessageOf, type Person } from '../../src/index.js';
import { dynamic, message, nested, optional, repeated, scalar } from '../../src/schema/message.js';

const Inner = message('test.Inner', { flag: scalar(1, 'bool') });
const Outer = message('test.Outer', {
  name: scalar(1, 'string'),
  count: optional(scalar(2, 'uint')),
  delta: scalar(3, 'int'),
  data: optional(scalar(4, 'bytes')),
  inner: nested(5, Inner),
  inners: repeated(nested(6, Inner)),
  tags: optional(repeated(scalar(7, 'string'))),
  method: scalar(8, 'string'),
  request: dynamic(9, 'request'),
});

describe('message()', () => {
  it('keeps the type name and the fields in declaration order', () => {
    expect(Outer.typeName).toBe('test.Outer');
    expect(Outer.fields.map((field) => [field.name, field.no])).toEqual([
      ['name', 1],
      ['count', 2],
      ['delta', 3],
      ['data', 4],
      ['inner', 5],
      ['inners', 6],
      ['tags', 7],
      ['method', 8],
      ['request', 9],
    ]);
  });

  it('records kind, message, repeated and optional for each field', () => {
    const byName = Object.fromEntries(Outer.fields.map((field) => [field.name, field]));
    expect(byName['name']).toEqual({ name: 'name', no: 1, kind: 'string', message: undefined, repeated: false, optional: false });
    expect(byName['count']).toEqual({ name: 'count', no: 2, kind: 'uint', message: undefined, repeated: false, optional: true });
    expect(byName['data']).toMatchObject({ kind: 'bytes', optional: true });
    expect(byName['inner']).toEqual({ name: 'inner', no: 5, kind: 'message', message: Inner, repeated: false, optional: false });
    expect(byName['inners']).toMatchObject({ kind: 'message', message: Inner, repeated: true, optional: false });
    expect(byName['tags']).toMatchObject({ kind: 'string', repeated: true, optional: true });
    expect(byName['request']).toEqual({ name: 'request', no: 9, kind: 'request', message: undefined, repeated: false, optional: false });
  });

  it('sets no phantom type at runtime', () => {
    expect('~type' in Outer).toBe(false);
    expect(Object.keys(Outer).sort()).toEqual(['fields', 'typeName']);
  });

  it('does not let optional() or repeated() change the spec they wrap', () => {
    const base = scalar(1, 'string');
    optional(base);
    repeated(base);
    expect(base).toEqual({ no: 1, kind: 'string', message: undefined, repeated: false, optional: false });
  });

  it('infers the TypeScript type from the descriptor', () => {
    expectTypeOf<MessageOf<typeof Outer>>().toEqualTypeOf<{
      name: string;
      delta: number;
      inner: { flag: boolean };
      inners: Array<{ flag: boolean }>;
      method: string;
      request: unknown;
      count?: number;
      data?: Uint8Array;
      tags?: string[];
    }>();
    expectTypeOf<Blob>().toEqualTypeOf<{ hash: string; size: number; content: Uint8Array }>();
    expectTypeOf<Person>().toEqualTypeOf<{ name: string; email: string; time?: number; tzOffset?: string }>();
    expectTypeOf<CommitRequest['changes'][number]['content']>().toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf<BatchOperation['request']>().toEqualTypeOf<unknown>();
    expect(CommitRequest.typeName).toBe('govc.v1.CommitRequest');
  });
});
