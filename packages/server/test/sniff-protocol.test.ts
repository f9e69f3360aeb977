import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classifyFirstBytes, http2Preface, sniffProtocol } from '../src/listener/sniff-protocol.js';

describe('classifyFirstBytes', () => {
  it('says h2 only for the whole 24-byte preface', () => {
    expect(http2Preface.length).toBe(24);
    for (let n = 0; n < 24; n++) expect(classifyFirstBytes(http2Preface.subarray(0, n))).toBeUndefined();
    expect(classifyFirstBytes(http2Preface)).toBe('h2');
    expect(classifyFirstBytes(Buffer.concat([http2Preface, Buffer.from([0, 0, 0, 4])]))).toBe('h2');
  });

  it('says http/1.1 at the first byte that differs from the preface', () => {
    expect(classifyFirstBytes(Buffer.from('G'))).toBe('http/1.1');
    expect(classifyFirstBytes(Buffer.from('PO'))).toBe('http/1.1'); // POST shares only the P
    expect(classifyFirstBytes(Buffer.from('PRI * HTTP/1.1\r\n'))).toBe('http/1.1');
    expect(classifyFirstBytes(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\r'))).toBe('http/1.1');
    expect(classifyFirstBytes(Buffer.from([0x16, 0x03, 0x01]))).toBe('http/1.1'); // a TLS ClientHello: HTTP/1.1 rejects it
  });
});

describe('sniffProtocol', () => {
  it('reads until the classifier decides, then puts every byte back for the next reader', async () => {
    const socket = new PassThrough();
    const seen: number[] = [];
    const verdict = new Promise<string | undefined>((resolve) => {
      function atFour(bytes: Uint8Array): string | undefined {
        seen.push(bytes.length);
        return bytes.length >= 4 ? 'four' : undefined;
      }
      sniffProtocol(socket, 0, atFour, resolve);
    });
    socket.write('ab');
    await new Promise((resolve) => setImmediate(resolve));
    socket.write('cdef');
    expect(await verdict).toBe('four');
    expect(seen).toEqual([2, 6]);
    expect(String(socket.read())).toBe('abcdef');
  });

  it('gives undefined and destroys the socket when it ends before the classifier decided', async () => {
    const socket = new PassThrough();
    const verdict = new Promise<string | undefined>((resolve) => sniffProtocol(socket, 0, () => undefined, resolve));
    socket.end('G');
    expect(await verdict).toBeUndefined();
    expect(socket.destroyed).toBe(true);
  });
});
