import { deflateSync, inflateSync } from 'node:zlib';
import { GovcError } from '@govc/core';
import { isHash, objectHeader } from '../objects/hash.js';
import { isObjectType, type ObjectType } from '../objects/object-type.js';

// git's own default for loose objects (core.looseCompression = 1): they are written often and
// packed later, so speed matters more than size.
const looseCompressionLevel = 1;

/** The deflated bytes of a loose object file: zlib of `"<type> <size>\0" + body`, as git writes it. */
export function encodeLooseObject(type: ObjectType, body: Uint8Array): Uint8Array {
  const header = objectHeader(type, body.length);
  const raw = Buffer.allocUnsafe(header.length + body.length);
  raw.set(header);
  raw.set(body, header.length);
  return deflateSync(raw, { level: looseCompressionLevel });
}

/** A git object read back from its loose form. */
export interface LooseObject {
  type: ObjectType;
  body: Uint8Array;
}

function corrupt(reason: string, cause?: unknown): never {
  throw new GovcError('data_loss', `malformed loose object: ${reason}`, cause === undefined ? {} : { cause });
}

// "commit" is the longest type name and a size has at most 16 digits: the header fits in 32 bytes.
const maxHeaderBytes = 32;

/**
 * Inflates a loose object file and splits it into type and body. Throws `data_loss` when the
 * bytes do not inflate, the header is malformed, or the body's length is not the declared size.
 */
export function decodeLooseObject(bytes: Uint8Array): LooseObject {
  let raw: Buffer;
  try {
    raw = inflateSync(bytes);
  } catch (error) {
    corrupt('zlib data is damaged', error);
  }
  const nul = raw.subarray(0, maxHeaderBytes).indexOf(0);
  const match = nul < 0 ? null : /^([a-z]+) (0|[1-9]\d*)$/.exec(raw.toString('latin1', 0, nul));
  if (match === null) corrupt('no "<type> <size>" header');
  const [, type = '', sizeText = ''] = match;
  if (!isObjectType(type)) corrupt(`unknown type ${JSON.stringify(type)}`);
  const body = raw.subarray(nul + 1);
  if (body.length !== Number(sizeText)) corrupt(`header says ${sizeText} bytes, body has ${body.length}`);
  return { type, body };
}

/**
 * Where a loose object lives under a repository's `objects/` directory: `xx/yyyy…`, the first
 * two hex digits naming a fan-out directory, as git lays them out. Throws `invalid_argument`
 * unless `hash` is 40 lowercase hex digits, so no value can reach outside `objects/`.
 */
export function looseObjectPath(hash: string): string {
  if (!isHash(hash)) throw new GovcError('invalid_argument', `${JSON.stringify(hash.slice(0, 80))} is not an object hash`);
  return `${hash.slice(0, 2)}/${hash.slice(2)}`;
}
