import { GovcError } from '@govc/core';
import { isHash } from './hash.js';
import { formatSignature, parseSignature, type Signature } from './signature.js';
import { isWellFormedString } from './unicode.js';

/** A commit object's content. */
export interface CommitObject {
  /** The root tree. */
  tree: string;
  /** Zero parents for a root commit, one for a plain commit, two or more for a merge. */
  parents: string[];
  author: Signature;
  committer: Signature;
  /** Stored exactly as given; see {@link normalizeCommitMessage}. */
  message: string;
}

/**
 * Ends a message with one newline unless it already ends with one, as `git commit-tree -m`
 * does (an empty message stays empty, as there too), so the service's hashes match git's.
 */
export function normalizeCommitMessage(message: string): string {
  return message === '' || message.endsWith('\n') ? message : `${message}\n`;
}

/**
 * Encodes a commit body byte-identical to git's:
 * `tree …\nparent …\n…author …\ncommitter …\n\n<message>`. Throws `invalid_argument` for a
 * hash that is not 40 lowercase hex digits, a signature that cannot be written (see
 * `formatSignature`) or a message with lone surrogates, which UTF-8 cannot carry.
 */
export function encodeCommit(commit: CommitObject): Uint8Array {
  const { tree, parents, author, committer, message } = commit;
  for (const hash of [tree, ...parents]) {
    if (!isHash(hash)) {
      throw new GovcError('invalid_argument', `commit hash ${JSON.stringify(hash.slice(0, 80))} must be 40 lowercase hex digits`);
    }
  }
  if (!isWellFormedString(message)) {
    throw new GovcError('invalid_argument', 'commit message must be well-formed Unicode');
  }
  let text = `tree ${tree}\n`;
  for (const parent of parents) text += `parent ${parent}\n`;
  text += `author ${formatSignature(author)}\ncommitter ${formatSignature(committer)}\n\n${message}`;
  return Buffer.from(text, 'utf8');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// A message in a legacy `encoding` is still shown, with U+FFFD for what UTF-8 cannot read.
const lenientUtf8 = new TextDecoder('utf-8');

function corrupt(reason: string): never {
  throw new GovcError('data_loss', `malformed commit object: ${reason}`);
}

/**
 * Decodes a commit body. Headers git adds beyond the five it needs (`encoding`, `gpgsig`,
 * `mergetag`, …, with their continuation lines) are skipped. Throws `data_loss` when the
 * required headers are missing, out of order or malformed.
 */
export function decodeCommit(body: Uint8Array): CommitObject {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const split = bytes.indexOf('\n\n');
  // git's parser accepts a commit whose headers run to the end of the object: no message.
  const headerEnd = split < 0 ? bytes.length : split;
  let header: string;
  try {
    header = strictUtf8.decode(bytes.subarray(0, headerEnd));
  } catch {
    corrupt('headers are not UTF-8');
  }
  const message = split < 0 ? '' : lenientUtf8.decode(bytes.subarray(split + 2));

  const lines = header.split('\n');
  let index = 0;
  const take = (key: string): string | undefined => {
    const line = lines[index];
    if (line === undefined || !line.startsWith(`${key} `)) return undefined;
    index++;
    return line.slice(key.length + 1);
  };
  const tree = take('tree');
  if (tree === undefined || !isHash(tree)) corrupt('no valid tree header first');
  const parents: string[] = [];
  for (let parent = take('parent'); parent !== undefined; parent = take('parent')) {
    if (!isHash(parent)) corrupt(`bad parent ${JSON.stringify(parent.slice(0, 80))}`);
    parents.push(parent);
  }
  const author = take('author');
  if (author === undefined) corrupt('no author header after the parents');
  const committer = take('committer');
  if (committer === undefined) corrupt('no committer header after the author');
  return { tree, parents, author: parseSignature(author), committer: parseSignature(committer), message };
}
