import { GovcError } from '@govc/core';
import { checkTzOffset, type Signature } from '../objects/signature.js';
import { isWellFormedString } from '../objects/unicode.js';
import { describeValue } from './describe-value.js';

// The union of what git versions strip from either end of a name or email ("crud"); git 2.39
// still strips '.', later versions do not. Refusing these keeps hashes equal on every version.
const edgeCrud = /^[\0-\x20.,:;<>"\\']|[\0-\x20.,:;<>"\\']$/;
// git drops '<', '>' and newlines inside an ident; other control characters are refused too.
const forbiddenInside = /[\0-\x1f\x7f<>]/;

function checkIdentPart(value: string, field: string): void {
  const problem = !isWellFormedString(value)
    ? 'is not well-formed Unicode'
    : forbiddenInside.test(value)
      ? 'contains "<", ">" or a control character'
      : edgeCrud.test(value)
        ? 'starts or ends with whitespace or one of . , : ; < > " \\ \' (git would strip it)'
        : undefined;
  if (problem !== undefined) throw new GovcError('invalid_argument', `${field} ${describeValue(value)} ${problem}`);
}

/**
 * Checks an author or committer (`field` names it in messages) so that the commit's hash equals
 * what `git commit-tree` makes with the same values: a non-empty name, an email (may be empty),
 * neither with characters git would drop or strip, a time in non-negative whole seconds, and an
 * offset accepted by `checkTzOffset`. Returns it; throws `invalid_argument` otherwise.
 */
export function checkSignature(signature: Signature, field: string): Signature {
  const { name, email, time, tzOffset } = signature;
  if (name === '') throw new GovcError('invalid_argument', `${field}.name must not be empty`);
  checkIdentPart(name, `${field}.name`);
  checkIdentPart(email, `${field}.email`);
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new GovcError('invalid_argument', `${field}.time must be non-negative whole seconds, got ${String(time)}`);
  }
  checkTzOffset(tzOffset, `${field}.tzOffset`);
  return signature;
}
