import { GovcError } from '@govc/core';
import { isHash } from '../objects/hash.js';
import { describeValue } from './describe-value.js';

/**
 * Checks that `value`, the request field named `field`, is an object name: 40 lowercase hex
 * digits. Returns it; throws `invalid_argument` otherwise.
 */
export function checkHash(value: string, field: string): string {
  if (!isHash(value)) {
    throw new GovcError('invalid_argument', `${field} ${describeValue(value)} must be 40 lowercase hex digits`);
  }
  return value;
}
