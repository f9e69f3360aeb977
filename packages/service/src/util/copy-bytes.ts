/**
 * A copy of stored bytes for a response: stores hand out their own bytes, and an in-process
 * caller must not be able to change what is stored by changing what it was given.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
