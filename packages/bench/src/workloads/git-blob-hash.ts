import { createHash } from 'node:crypto';

/**
 * The git hash of a blob, computed here as `git hash-object` does, so that the bench checks the
 * server's answers against its own oracle rather than against the service's code.
 */
export function gitBlobHash(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}
