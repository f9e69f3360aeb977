import { GovcError } from '../errors/govc-error.js';

// Standard or URL-safe alphabet, padding optional, as Connect's JSON accepts.
const base64Pattern = /^[A-Za-z0-9+/_-]*={0,2}$/;

// Node's Buffer is several times faster than atob/btoa; browsers fall back to those.
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/** Decodes standard or URL-safe base64 with optional padding; anything else is `invalid_argument`. */
export function decodeBase64(text: string, path: string): Uint8Array {
  if (!base64Pattern.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new GovcError('invalid_argument', `${path}: invalid base64`);
  }
  if (NodeBuffer) {
    const buffer = NodeBuffer.from(text, 'base64');
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encodes bytes as standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
