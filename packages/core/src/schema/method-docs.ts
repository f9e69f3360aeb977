import type { ErrorCode } from '../errors/code.js';
import type { GovcMethodName } from './methods.js';

/** What a method does and the errors it gives, beyond those every call may get (`callErrors`). */
export interface MethodDoc {
  /** One or two sentences, Markdown. */
  readonly summary: string;
  /** The method's own errors: each code and when. */
  readonly errors: readonly (readonly [ErrorCode, string])[];
}

/** Errors any call may get, whatever its method. */
export const callErrors: readonly (readonly [ErrorCode, string])[] = [
  [
    'invalid_argument',
    'a field is missing, of the wrong type, or out of its range; a name, ref, path or hash is malformed; an idempotency key was used for a different request',
  ],
  ['not_found', 'the repository does not exist (every method that names one)'],
  ['resource_exhausted', 'a message is over the size limit, or the memory store is full (may carry a retry-after)'],
  ['deadline_exceeded', 'the call’s deadline passed; the server stopped its work'],
  ['canceled', 'the caller canceled the call'],
  ['unauthenticated', 'the server requires a token and got none or an unknown one'],
  ['permission_denied', 'the token does not grant the access the method needs'],
  ['unavailable', 'the server is shutting down or the connection failed; safe to retry with the same idempotency key'],
  ['internal', 'a server fault; never the caller’s input'],
  ['data_loss', 'the durable store found a damaged object, pack or journal (`git fsck` tells more)'],
];

/** The reference text of every method; the type makes a method without one a compile error. */
export const methodDocs: { readonly [K in GovcMethodName]: MethodDoc } = {
  CreateRepository: {
    summary: 'Creates an empty repository whose default branch is `main`.',
    errors: [
      ['already_exists', 'a repository of that name exists'],
      ['invalid_argument', 'the name is not 1–100 characters of `A-Za-z0-9._-`, or starts with `.` or `-`'],
    ],
  },
  GetRepository: {
    summary: 'Reads a repository: its default branch, creation time and the commit its default branch points at.',
    errors: [],
  },
  ListRepositories: {
    summary: 'Lists every repository, by name.',
    errors: [],
  },
  DeleteRepository: {
    summary: 'Deletes a repository with all its objects and refs.',
    errors: [['aborted', 'the repository is being deleted by another call; try again']],
  },
  StoreBlob: {
    summary: 'Stores bytes as a git blob and returns its hash (what `git hash-object` gives). Storing the same bytes again is harmless.',
    errors: [],
  },
  GetBlob: {
    summary: 'Reads a blob whole. For large blobs, `DownloadBlob` streams.',
    errors: [['not_found', 'no blob has that hash']],
  },
  HasObjects: {
    summary: 'Tells which of the given hashes name objects present in the repository, in order.',
    errors: [['invalid_argument', 'more hashes than the per-call limit']],
  },
  UploadBlob: {
    summary:
      'Stores a blob sent as a stream: the first message names the repository (and, optionally, the size, which lets the server write straight to storage), the others carry data.',
    errors: [['invalid_argument', 'the first message names no repository, a later one does, or the data differs from the declared size']],
  },
  DownloadBlob: {
    summary: 'Streams a blob’s bytes from `offset`, as fast as the reader takes them.',
    errors: [
      ['not_found', 'no blob has that hash'],
      ['out_of_range', '`offset` is past the blob’s end'],
    ],
  },
  Commit: {
    summary:
      'Writes the changes’ blobs and trees, creates the commit and moves the branch, atomically. `parents` defaults to the branch head; with `expectedHead` the branch must be where the caller last saw it.',
    errors: [
      ['aborted', '`expectedHead` is stale: the branch moved'],
      ['not_found', 'a `hash` change names no blob, or a deleted path does not exist'],
      ['invalid_argument', 'a change gives neither or both of content and hash, a path is changed twice, or a file is used as a directory'],
    ],
  },
  GetCommit: {
    summary: 'Reads a commit: its tree, parents, author, committer and message.',
    errors: [['not_found', 'no commit has that hash']],
  },
  ListCommits: {
    summary: 'Lists the first-parent history of a ref, newest first, a page at a time.',
    errors: [['not_found', 'the ref does not exist']],
  },
  ReadFile: {
    summary: 'Reads a file at a ref: its hash, mode, size and content.',
    errors: [
      ['not_found', 'the ref or the path does not exist'],
      ['invalid_argument', 'the path is a directory'],
    ],
  },
  ListTree: {
    summary: 'Lists a directory at a ref, or the whole tree below it with `recursive`.',
    errors: [
      ['not_found', 'the ref or the path does not exist'],
      ['invalid_argument', 'the path is a file'],
      ['resource_exhausted', 'the tree has more entries than the listing limit'],
    ],
  },
  ListRefs: {
    summary: 'Lists refs and the hashes they point at, optionally under a prefix.',
    errors: [],
  },
  UpdateRef: {
    summary:
      'Moves a ref by compare-and-swap: `expectedOldHash: ""` means the ref must not exist yet, `newHash: ""` deletes it. A branch must point at a commit.',
    errors: [
      ['aborted', 'the ref is not at `expectedOldHash`'],
      ['not_found', '`newHash` names no object'],
      ['failed_precondition', 'the name clashes with an existing ref (`a` and `a/b` cannot both exist)'],
    ],
  },
  BatchOperations: {
    summary:
      'Runs many unary calls inside one repository in one round trip. Each op answers alone, in request order; with `atomic` their ref changes take effect together or not at all, and when one fails the others report `aborted`.',
    errors: [
      [
        'invalid_argument',
        'more ops than the batch limit, an op names a method that cannot be batched, or an op’s repo differs from the batch’s',
      ],
    ],
  },
  WatchRefs: {
    summary:
      'Streams ref changes as they happen, each with a sequence number; `sinceSeq` resumes after a reconnect without losing or repeating a change.',
    errors: [
      ['out_of_range', '`sinceSeq` is older than the history kept, or from before a restart of a memory store: resync with `ListRefs`'],
    ],
  },
  Health: {
    summary: 'Says the service is up and which version it runs.',
    errors: [],
  },
};
