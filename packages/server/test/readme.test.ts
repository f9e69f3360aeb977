import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { bannerOf } from '../src/cli/serve-command.js';
import { defaultMemoryLimit } from '../src/cli/parse-serve-args.js';
import { serveUsage } from '../src/cli/usage.js';

const readmeUrl = new URL('../README.md', import.meta.url);

describe('README', () => {
  it('shows `govc serve --help` exactly', async () => {
    const readme = await readFile(readmeUrl, 'utf8');
    expect(readme).toContain(`\`\`\`\n${serveUsage}\`\`\``);
  });

  it('shows the banner exactly as `govc serve` prints it', async () => {
    const readme = await readFile(readmeUrl, 'utf8');
    const address = { host: '127.0.0.1', port: 8080, url: 'http://127.0.0.1:8080' };
    expect(readme).toContain(
      `\`\`\`\n${bannerOf(address, { tls: undefined, memoryLimit: defaultMemoryLimit, tokens: undefined })}\n\`\`\``,
    );
  });

  it('shows the embedding example exactly as test/readme-example.ts, which runs', async () => {
    const readme = await readFile(readmeUrl, 'utf8');
    const example = await readFile(new URL('readme-example.ts', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Embedding it')))?.[1];
    expect(block).toBe(example.replace(/\nexport \{[^}]*\};\n$/, '\n'));
    const { created, metrics } = await import('./readme-example.js');
    expect(created).toMatchObject({ repo: 'demo', defaultBranch: 'main' });
    expect(metrics.registry.render()).toContain('govc_requests_total{protocol="http",method="CreateRepository"} 1\n');
  });
});
