import { timingSafeEqual } from 'node:crypto';
import { GovcError } from '@govc/core';
import { allows, sha256Of, type AccessLevel, type TokenGrant } from './access-grants.js';

/** Who a request's token says it is, and what it may do. */
export interface Principal {
  /** The token's name: what logs and idempotency scopes use. */
  readonly name: string;
  /** The best level any of the token's patterns grants in `repo`. */
  levelIn(repo: string): AccessLevel;
  /** Whether the token is admin in every repository (e.g. for `/metrics`). */
  readonly admin: boolean;
}

/** Who may do what; `undefined` everywhere it is used means auth is off. */
export interface AccessPolicy {
  /**
   * The principal of an `Authorization` header value, or `undefined` when it is missing, not
   * `Bearer <token>`, or names no known token. Every known token is compared, in constant time.
   */
  authenticate(authorization: string | undefined): Principal | undefined;
}

function principalOf(grant: TokenGrant): Principal {
  return {
    name: grant.name,
    admin: grant.repos.some((repo) => repo.level === 'admin' && repo.pattern.source === '^.*$'),
    levelIn(repo) {
      let best: AccessLevel = 'none';
      for (const { pattern, level } of grant.repos) if (!allows(best, level) && pattern.test(repo)) best = level;
      return best;
    },
  };
}

const bearer = /^Bearer +([\x21-\x7e]+) *$/i;

/** The policy of a token file's grants. */
export function createAccessPolicy(grants: readonly TokenGrant[]): AccessPolicy {
  const principals = grants.map((grant) => ({ sha256: grant.sha256, principal: principalOf(grant) }));
  return {
    authenticate(authorization) {
      const token = authorization === undefined ? undefined : bearer.exec(authorization)?.[1];
      if (token === undefined) return undefined;
      // Digests have one length whatever the token's, and every grant is compared: the time
      // taken says nothing about which token, or how much of one, matched.
      const digest = sha256Of(token);
      let found: Principal | undefined;
      for (const { sha256, principal } of principals) if (timingSafeEqual(digest, sha256)) found = principal;
      return found;
    },
  };
}

/** The `unauthenticated` error for a request whose `Authorization` header value authenticated no one. */
export function credentialError(authorization: string | undefined): GovcError {
  const message =
    authorization === undefined
      ? 'this server needs an Authorization: Bearer <token> header'
      : 'the Authorization header names no known bearer token';
  return new GovcError('unauthenticated', message);
}
