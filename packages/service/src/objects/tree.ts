import { GovcError } from '@govc/core';
import { isDotGitName, isDotGitmodulesName } from './dot-git.js';
import { isHash } from './hash.js';
import type { ObjectType } from './object-type.js';
import { isWellFormedString } from './unicode.js';

/** One entry of a tree object. */
export interface TreeEntryObject {
  /** Octal git mode as git writes it: one of {@link TreeEntryMode}. */
  mode: string;
  /** The entry's name: one path segment, never containing `/` or NUL. */
  name: string;
  /** The object the entry points at: 40 lowercase hex digits. */
  hash: string;
}

/**
 * The modes git writes in trees: a regular file, an executable file, a symbolic link, a
 * subtree (`40000`, without the leading zero, as git writes it) and a gitlink (submodule commit).
 */
export type TreeEntryMode = '100644' | '100755' | '120000' | '40000' | '160000';

const entryTypes: ReadonlyMap<string, ObjectType> = new Map<TreeEntryMode, ObjectType>([
  ['100644', 'blob'],
  ['100755', 'blob'],
  ['120000', 'blob'],
  ['40000', 'tree'],
  ['160000', 'commit'],
]);

/** Whether `mode` is one git writes in trees; `fsck --strict` rejects any other (e.g. `040000`). */
export function isTreeEntryMode(mode: string): mode is TreeEntryMode {
  return entryTypes.has(mode);
}

/** The type of object an entry with `mode` points at, or `undefined` for an unknown mode. */
export function treeEntryType(mode: string): ObjectType | undefined {
  return entryTypes.get(mode);
}

const treeMode: TreeEntryMode = '40000';
const slash = 0x2f;

// git orders entries by name bytes, a subtree's name compared as if it ended in '/'
// (base_name_compare), so the key is the UTF-8 name plus that '/' for trees.
function sortKey(name: Buffer, mode: string): Buffer {
  if (mode !== treeMode) return name;
  const key = Buffer.allocUnsafe(name.length + 1);
  name.copy(key);
  key[name.length] = slash;
  return key;
}

function badEntry(name: string, reason: string): never {
  throw new GovcError('invalid_argument', `tree entry ${JSON.stringify(name.slice(0, 80))}: ${reason}`);
}

interface PreparedEntry {
  readonly mode: string;
  readonly name: Buffer;
  readonly key: Buffer;
  readonly hash: string;
}

function prepareEntry(entry: TreeEntryObject): PreparedEntry {
  const { mode, name, hash } = entry;
  if (!isTreeEntryMode(mode)) badEntry(name, `unknown mode ${JSON.stringify(mode)}`);
  if (!isHash(hash)) badEntry(name, 'hash must be 40 lowercase hex digits');
  if (name === '' || name === '.' || name === '..') badEntry(name, 'empty, "." and ".." are not names');
  if (name.includes('/') || name.includes('\0')) badEntry(name, 'a name cannot contain "/" or NUL');
  if (!isWellFormedString(name)) badEntry(name, 'a name must be well-formed Unicode');
  // `git fsck` reports both; a clone of such a tree would be refused or, worse, reach into .git.
  if (isDotGitName(name)) badEntry(name, 'a name cannot be .git or an alias of it');
  if (mode === '120000' && isDotGitmodulesName(name)) badEntry(name, '.gitmodules cannot be a symbolic link');
  const bytes = Buffer.from(name, 'utf8');
  return { mode, name: bytes, key: sortKey(bytes, mode), hash };
}

/**
 * Encodes a tree body byte-identical to git's: entries `<mode> <name>\0<20-byte hash>` in git's
 * order, whatever order they are given in. Throws `invalid_argument` for an unknown mode, a bad
 * hash, a duplicate name, or a name git's `fsck` would reject.
 */
export function encodeTree(entries: readonly TreeEntryObject[]): Uint8Array {
  const names = new Set<string>();
  let size = 0;
  const prepared = entries.map((entry) => {
    if (names.has(entry.name)) badEntry(entry.name, 'duplicate name');
    names.add(entry.name);
    const item = prepareEntry(entry);
    size += item.mode.length + 1 + item.name.length + 1 + 20;
    return item;
  });
  prepared.sort((a, b) => Buffer.compare(a.key, b.key));
  const body = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const { mode, name, hash } of prepared) {
    offset += body.write(mode, offset, 'latin1');
    body[offset++] = 0x20;
    offset += name.copy(body, offset);
    body[offset++] = 0;
    offset += body.write(hash, offset, 'hex');
  }
  return body;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function corrupt(reason: string): never {
  throw new GovcError('data_loss', `malformed tree object: ${reason}`);
}

/**
 * Decodes a tree body into its entries in stored order. Throws `data_loss` when the bytes are
 * not a tree git would accept: truncated entries, unknown modes, bad names, or entries out of
 * git's order.
 */
export function decodeTree(body: Uint8Array): TreeEntryObject[] {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const entries: TreeEntryObject[] = [];
  let previousKey: Buffer | undefined;
  let offset = 0;
  while (offset < bytes.length) {
    const space = bytes.indexOf(0x20, offset);
    if (space < 0) corrupt(`entry at byte ${offset} has no mode`);
    const mode = bytes.toString('latin1', offset, space);
    if (!isTreeEntryMode(mode)) corrupt(`unknown mode ${JSON.stringify(mode.slice(0, 16))} at byte ${offset}`);
    const nul = bytes.indexOf(0, space + 1);
    if (nul < 0 || nul + 21 > bytes.length) corrupt(`entry at byte ${offset} is truncated`);
    const rawName = bytes.subarray(space + 1, nul);
    if (rawName.length === 0 || rawName.includes(slash)) corrupt(`bad name at byte ${offset}`);
    let name: string;
    try {
      name = utf8.decode(rawName);
    } catch {
      corrupt(`name at byte ${offset} is not UTF-8`);
    }
    const key = sortKey(rawName, mode);
    if (previousKey !== undefined && Buffer.compare(previousKey, key) >= 0) {
      corrupt(`entry ${JSON.stringify(name.slice(0, 80))} is out of order`);
    }
    previousKey = key;
    entries.push({ mode, name, hash: bytes.toString('hex', nul + 1, nul + 21) });
    offset = nul + 21;
  }
  return entries;
}
