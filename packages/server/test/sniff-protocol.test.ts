import { describe, expect, it } from 'vitest';
import { classifyFirstBytes, http2Preface } from '../src/listener/sniff-protocol.js';

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
