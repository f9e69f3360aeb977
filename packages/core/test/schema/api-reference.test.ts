import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiReferencePath, renderApiReference } from '../../scripts/api-reference.js';
import { describeService, govcMethods } from '../../src/index.js';

describe('the API reference', () => {
  const reference = renderApiReference();

  it('is current: API.md is what the schema renders (`npm run docs` rewrites it)', () => {
    expect(readFileSync(apiReferencePath, 'utf8')).toBe(reference);
  });

  it('has a section for every method and message, and a row for every field', () => {
    const description = describeService();
    expect(description.methods.map((method) => method.name)).toEqual(Object.keys(govcMethods));
    for (const method of description.methods) {
      expect(reference).toContain(`\n### ${method.name}\n`);
      expect(method.summary.length, method.name).toBeGreaterThan(10);
    }
    for (const message of description.messages) {
      expect(reference).toContain(`\n### ${message.typeName}\n`);
      for (const field of message.fields) expect(reference).toContain(`| \`${field.name}\` | ${field.no} |`);
    }
  });

  it('takes the doc comments of messages.ts', () => {
    expect(reference).toMatch(
      /\| `expectedHead` \| 8 \| `string` \| optional \| The branch head the caller expects; `""` means the branch must not exist yet\. \|/,
    );
  });
});
