import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { limitNames } from '../../src/metrics/limit-names.js';

const packagesDir = fileURLToPath(new URL('../../..', import.meta.url));

/** Every limit name the sources of all packages raise or count, with the files that do. */
function limitsInSources(): Map<string, string[]> {
  // `{ limit: 'x' }` on a GovcError or a status table, and `limitHits.labels('x')` in the server.
  const patterns = [/\blimit: '([a-z_]+)'/g, /limitHits\.labels\('([a-z_]+)'\)/g];
  const found = new Map<string, string[]>();
  for (const pkg of readdirSync(packagesDir)) {
    const src = join(packagesDir, pkg, 'src');
    let files: string[];
    try {
      files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    } catch {
      continue;
    }
    for (const file of files) {
      const text = readFileSync(join(src, file), 'utf8');
      for (const pattern of patterns) {
        for (const [, name] of text.matchAll(pattern)) found.set(name!, [...(found.get(name!) ?? []), `${pkg}/src/${file}`]);
      }
    }
  }
  return found;
}

describe('limitNames', () => {
  it('names every limit the sources raise or count, and none they do not', () => {
    const found = limitsInSources();
    expect(found.size).toBeGreaterThan(5); // the scan itself found the sources
    const unlisted = [...found.keys()].filter((name) => !(limitNames as readonly string[]).includes(name));
    expect(
      unlisted,
      `limits missing from limitNames: ${unlisted.map((name) => `${name} (${found.get(name)!.join(', ')})`).join('; ')}`,
    ).toEqual([]);
    expect(
      limitNames.filter((name) => !found.has(name)),
      'limitNames no source uses',
    ).toEqual([]);
    expect(new Set(limitNames).size).toBe(limitNames.length);
  });
});
