import { describe, expect, it } from 'vitest';
import * as linkProxy from '../src/index.js';

/** What the package gives at runtime: a name added here is a decision, not an accident. */
describe('the exports of @govc/link-proxy', () => {
  it('is the one factory; everything else is types', () => {
    expect(Object.keys(linkProxy)).toEqual(['createLinkProxy']);
  });
});
