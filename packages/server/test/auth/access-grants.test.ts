import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAccessPolicy, parseTokenGrants } from '../../src/index.js';

const token = 'a-token-of-enough-length';
const file = (tokens: unknown) => JSON.stringify({ tokens });

describe('token grants', () => {
  it('reads tokens given as secrets or as SHA-256 digests, with levels per repository pattern', () => {
    const sha256 = createHash('sha256').update('another-token-long-enough').digest('hex');
    const policy = createAccessPolicy(
      parseTokenGrants(
        file([
          { name: 'ci', token, repos: { 'app-*': 'write', '*': 'read', 'app-admin': 'admin' } },
          { name: 'ops', sha256, repos: { '*': 'admin' } },
        ]),
        'tokens.json',
      ),
    );
    const ci = policy.authenticate(`Bearer ${token}`)!;
    expect(ci.name).toBe('ci');
    expect([ci.levelIn('app-1'), ci.levelIn('lib'), ci.levelIn('app-admin'), ci.admin]).toEqual(['write', 'read', 'admin', false]);
    const ops = policy.authenticate('bearer   another-token-long-enough')!;
    expect([ops.name, ops.levelIn('anything'), ops.admin]).toEqual(['ops', 'admin', true]);
  });

  it('knows no token for a missing header, another scheme, a near miss or a prefix', () => {
    const policy = createAccessPolicy(parseTokenGrants(file([{ name: 'ci', token, repos: { '*': 'read' } }]), 't'));
    for (const header of [
      undefined,
      '',
      token,
      `Basic ${token}`,
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer  `,
      `Bearer ${token} extra`,
    ]) {
      expect(policy.authenticate(header)).toBeUndefined();
    }
  });

  it('matches patterns whole: a dot is a dot and * is the only wildcard', () => {
    const policy = createAccessPolicy(parseTokenGrants(file([{ name: 'ci', token, repos: { 'a.b': 'read', 'x*y': 'write' } }]), 't'));
    const ci = policy.authenticate(`Bearer ${token}`)!;
    expect([ci.levelIn('a.b'), ci.levelIn('aXb'), ci.levelIn('a.bc'), ci.levelIn('xy'), ci.levelIn('x-1-y'), ci.levelIn('x-1-yz')]).toEqual(
      ['read', 'none', 'none', 'write', 'write', 'none'],
    );
  });

  it('refuses a malformed file, naming the place', () => {
    const cases: [string, RegExp][] = [
      ['not json', /t: not JSON/],
      [JSON.stringify({}), /expected \{"tokens"/],
      [file([]), /at least one token/],
      [file([{ name: 'bad name', token, repos: { '*': 'read' } }]), /tokens\[0\]: name must be/],
      [file([{ name: 'a', token: 'short', repos: { '*': 'read' } }]), /at least 16 printable/],
      [file([{ name: 'a', token, sha256: 'ab', repos: { '*': 'read' } }]), /exactly one of "token" and "sha256"/],
      [file([{ name: 'a', sha256: 'XYZ', repos: { '*': 'read' } }]), /64 lower-case hex/],
      [file([{ name: 'a', token, repos: {} }]), /repos must map/],
      [file([{ name: 'a', token, repos: { '../x': 'read' } }]), /repository pattern "\.\.\/x"/],
      [file([{ name: 'a', token, repos: { '*': 'owner' } }]), /must be "read", "write" or "admin"/],
      [
        file([
          { name: 'a', token, repos: { '*': 'read' } },
          { name: 'a', token: `${token}2`, repos: { '*': 'read' } },
        ]),
        /tokens\[1\]: name a is used twice/,
      ],
      [
        file([
          { name: 'a', token, repos: { '*': 'read' } },
          { name: 'b', token, repos: { '*': 'read' } },
        ]),
        /the same token is given twice/,
      ],
    ];
    for (const [text, message] of cases) {
      expect(() => parseTokenGrants(text, 't')).toThrow(message);
    }
  });
});
