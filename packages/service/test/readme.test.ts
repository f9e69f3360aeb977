import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);

describe('README', () => {
  it('shows the quick-start example exactly as examples/quick-start.ts, which runs', async () => {
    const readme = await readFile(new URL('README.md', root), 'utf8');
    const example = await readFile(new URL('packages/service/examples/quick-start.ts', root), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example.replace(/\nexport \{[^}]*\};\n$/, '\n'));
    const { client, hash } = await import('../examples/quick-start.js');
    const file = await client.readFile({ repo: 'demo', ref: 'main', path: 'README.md' });
    expect(new TextDecoder().decode(file.content)).toBe('# Demo\n');
    expect((await client.getRepository({ repo: 'demo' })).head).toBe(hash);
  });

  it('starts with the two commands, and .ci/run calls the test one', async () => {
    const readme = await readFile(new URL('README.md', root), 'utf8');
    expect(readme).toMatch(/^# govc\n\n```sh\nnpm start[^\n]*\nnpm test[^\n]*\n```/);
    const ci = await readFile(new URL('.ci/run', root), 'utf8');
    expect(ci).toMatch(/^npm test$/m);
  });
});
