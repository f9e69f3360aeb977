import { createHash } from 'node:crypto';

/**
 * The git hash of a blob with this content, as `git hash-object` computes it. Written here, apart
 * from the service's own hashing, so that tests check the service against an independent oracle.
 */
export function gitBlobHash(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}
