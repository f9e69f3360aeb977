import { describe, expect, it } from 'vitest';
import * as m from '../../src/schema/messages.js';
import { govcMethods, govcServiceName, type AnyMethod, type MessageDescriptor, type MethodKind } from '../../src/index.js';
import { findMethod } from '../../src/protocol/index.js';
import { allMessageTypes } from '../codec/samples.js';

const methods: AnyMethod[] = Object.values(govcMethods);

// SPEC.md's table: each method's shape and its messages' fields (`?` optional, `[]` repeated).
const spec: Record<string, { kind: MethodKind; input: string[]; output: string[] }> = {
  CreateRepository: { kind: 'unary', input: ['repo'], output: ['repo', 'defaultBranch', 'createdAt'] },
  GetRepository: { kind: 'unary', input: ['repo'], output: ['repo', 'defaultBranch', 'createdAt', 'head?'] },
  ListRepositories: { kind: 'unary', input: [], output: ['repos[]'] },
  DeleteRepository: { kind: 'unary', input: ['repo'], output: [] },
  StoreBlob: { kind: 'unary', input: ['repo', 'content'], output: ['hash', 'size'] },
  GetBlob: { kind: 'unary', input: ['repo', 'hash'], output: ['hash', 'size', 'content'] },
  HasObjects: { kind: 'unary', input: ['repo', 'hashes[]'], output: ['present[]'] },
  // The first message carries {repo, size?}, the others {data}: one message type, all optional.
  UploadBlob: { kind: 'client_stream', input: ['repo?', 'size?', 'data?'], output: ['hash', 'size'] },
  DownloadBlob: { kind: 'server_stream', input: ['repo', 'hash', 'offset?'], output: ['data'] },
  Commit: {
    kind: 'unary',
    input: ['repo', 'branch', 'message', 'author', 'committer?', 'parents?[]', 'changes[]', 'expectedHead?'],
    output: ['hash', 'tree', 'parents[]'],
  },
  GetCommit: { kind: 'unary', input: ['repo', 'hash'], output: ['hash', 'tree', 'parents[]', 'author', 'committer', 'message'] },
  ListCommits: { kind: 'unary', input: ['repo', 'ref', 'limit?', 'pageToken?'], output: ['commits[]', 'nextPageToken?'] },
  ReadFile: { kind: 'unary', input: ['repo', 'ref', 'path'], output: ['path', 'hash', 'mode', 'size', 'content'] },
  // SPEC writes `path` without `?`; the schema accepts it absent as the root (lenient on input).
  ListTree: { kind: 'unary', input: ['repo', 'ref', 'path?', 'recursive?'], output: ['entries[]'] },
  ListRefs: { kind: 'unary', input: ['repo', 'prefix?'], output: ['refs[]'] },
  UpdateRef: { kind: 'unary', input: ['repo', 'name', 'newHash', 'expectedOldHash'], output: [] },
  // SPEC writes `atomic` without `?`; absent means false (lenient on input).
  BatchOperations: { kind: 'unary', input: ['repo', 'atomic?', 'operations[]'], output: ['results[]'] },
  WatchRefs: { kind: 'server_stream', input: ['repo', 'prefix?', 'sinceSeq?'], output: ['seq', 'name', 'oldHash', 'newHash'] },
  Health: { kind: 'unary', input: [], output: ['status', 'version'] },
};

// SPEC's nested shapes. BatchResult repeats its op's `method` so that a codec can type `response`.
const nestedSpec: Array<[MessageDescriptor, string[]]> = [
  [m.FileChange, ['path', 'content?', 'hash?', 'mode?', 'delete?']],
  [m.TreeEntry, ['path', 'mode', 'type', 'hash', 'size?']],
  [m.Ref, ['name', 'hash']],
  [m.Person, ['name', 'email', 'time?', 'tzOffset?']],
  [m.BatchOperation, ['id', 'method', 'request', 'idempotencyKey?']],
  [m.BatchResult, ['id', 'method', 'ok', 'response?', 'error?']],
  [m.ErrorDetail, ['code', 'message']],
  [m.RefEvent, ['seq', 'name', 'oldHash', 'newHash']],
];

const shapeOf = (type: MessageDescriptor): string[] => type.fields.map((f) => `${f.name}${f.optional ? '?' : ''}${f.repeated ? '[]' : ''}`);

const unaryInOneRepository = [
  'GetRepository',
  'StoreBlob',
  'GetBlob',
  'HasObjects',
  'Commit',
  'GetCommit',
  'ListCommits',
  'ReadFile',
  'ListTree',
  'ListRefs',
  'UpdateRef',
];

describe('govcMethods', () => {
  it('lists exactly the methods of SPEC.md', () => {
    expect(Object.keys(govcMethods).sort()).toEqual(Object.keys(spec).sort());
  });

  describe.each(methods.map((method) => [method.name, method] as const))('%s', (name, method) => {
    it('is keyed by its wire name and belongs to govc.v1.GoVCService', () => {
      expect(govcMethods[name as keyof typeof govcMethods]).toBe(method);
      expect(method.service).toBe('govc.v1.GoVCService');
      expect(govcServiceName).toBe('govc.v1.GoVCService');
      expect(method.name).toMatch(/^[A-Z][A-Za-z]+$/);
    });

    it('has a camelCase localName', () => {
      expect(method.localName).toBe(name.charAt(0).toLowerCase() + name.slice(1));
    });

    it('has the call shape of SPEC.md', () => {
      expect(method.kind).toBe(spec[name]!.kind);
    });

    it('has input and output descriptors with the fields of SPEC.md', () => {
      expect(allMessageTypes).toContain(method.input);
      expect(allMessageTypes).toContain(method.output);
      expect(shapeOf(method.input)).toEqual(spec[name]!.input);
      // Outputs may carry more optional fields than SPEC lists (CreateRepository shares Repository).
      const output = shapeOf(method.output);
      const extra = output.filter((field) => !spec[name]!.output.includes(field));
      expect(output.filter((field) => spec[name]!.output.includes(field))).toEqual(spec[name]!.output);
      for (const field of extra) expect(field).toMatch(/\?/);
    });

    it('is found by its wire name', () => {
      expect(findMethod(name)).toBe(method);
    });
  });

  it('spells localName as the typed client does', () => {
    expect(govcMethods.CreateRepository.localName).toBe('createRepository');
    expect(govcMethods.HasObjects.localName).toBe('hasObjects');
    expect(govcMethods.BatchOperations.localName).toBe('batchOperations');
    expect(new Set(methods.map((method) => method.localName)).size).toBe(methods.length);
  });

  it('streams exactly UploadBlob (client) and DownloadBlob and WatchRefs (server)', () => {
    const streaming = methods.filter((method) => method.kind !== 'unary').map((method) => `${method.name}:${method.kind}`);
    expect(streaming.sort()).toEqual(['DownloadBlob:server_stream', 'UploadBlob:client_stream', 'WatchRefs:server_stream']);
  });

  it('batches exactly the unary methods that act inside one repository', () => {
    expect(
      methods
        .filter((method) => method.batchable)
        .map((method) => method.name)
        .sort(),
    ).toEqual([...unaryInOneRepository].sort());
    for (const name of [
      'CreateRepository',
      'DeleteRepository',
      'ListRepositories',
      'BatchOperations',
      'Health',
      'UploadBlob',
      'DownloadBlob',
      'WatchRefs',
    ]) {
      expect(findMethod(name)!.batchable, name).toBe(false);
    }
    for (const method of methods.filter((candidate) => candidate.batchable)) {
      expect(method.kind).toBe('unary');
      expect(method.input.fields.find((field) => field.name === 'repo')).toMatchObject({ kind: 'string', optional: false });
    }
  });

  it('marks as idempotent every method but those that change refs or repositories', () => {
    const notIdempotent = methods
      .filter((method) => !method.idempotent)
      .map((method) => method.name)
      .sort();
    expect(notIdempotent).toEqual(['BatchOperations', 'Commit', 'CreateRepository', 'DeleteRepository', 'UpdateRef']);
    expect(govcMethods.StoreBlob.idempotent).toBe(true);
  });
});

describe('findMethod', () => {
  it.each([
    '',
    'storeBlob',
    'STOREBLOB',
    'StoreBlob ',
    'govc.v1.GoVCService/StoreBlob',
    '__proto__',
    'toString',
    'constructor',
    'hasOwnProperty',
  ])('finds nothing for %j', (name) => {
    expect(findMethod(name)).toBeUndefined();
  });
});

describe('message descriptors', () => {
  it('are all reachable from a method, and every message a method uses is exported', () => {
    const reachable = new Set<MessageDescriptor>();
    const visit = (type: MessageDescriptor): void => {
      if (reachable.has(type)) return;
      reachable.add(type);
      for (const field of type.fields) if (field.message) visit(field.message);
    };
    for (const method of methods) {
      visit(method.input);
      visit(method.output);
    }
    for (const type of reachable) expect(allMessageTypes).toContain(type);
    expect(allMessageTypes.filter((type) => !reachable.has(type)).map((type) => type.typeName)).toEqual([]);
  });

  it('have unique govc.v1 type names', () => {
    const names = allMessageTypes.map((type) => type.typeName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^govc\.v1\.[A-Z][A-Za-z]*$/);
  });

  it.each(nestedSpec.map(([type, shape]) => [type.typeName, type, shape] as const))(
    '%s has the fields of SPEC.md',
    (_name, type, shape) => {
      expect(shapeOf(type)).toEqual(shape);
    },
  );

  describe.each(allMessageTypes.map((type) => [type.typeName, type] as const))('%s', (_name, type) => {
    it('numbers its fields uniquely, as valid proto field numbers', () => {
      const numbers = type.fields.map((field) => field.no);
      expect(new Set(numbers).size).toBe(numbers.length);
      for (const no of numbers) {
        expect(Number.isInteger(no) && no >= 1 && no < 2 ** 29).toBe(true);
        expect(no >= 19_000 && no <= 19_999, 'reserved by protobuf').toBe(false);
      }
    });

    it('names its fields uniquely in camelCase', () => {
      const names = type.fields.map((field) => field.name);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[a-z][A-Za-z0-9]*$/);
    });

    it('links a message type exactly for message fields, and types dynamic fields by a sibling method', () => {
      for (const field of type.fields) {
        expect(field.message !== undefined, field.name).toBe(field.kind === 'message');
        if (field.kind === 'request' || field.kind === 'response') {
          expect(type.fields.find((sibling) => sibling.name === 'method')).toMatchObject({
            kind: 'string',
            repeated: false,
            optional: false,
          });
        }
      }
    });
  });
});
