import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDotGitmodulesName, isDotGitName } from '../../src/objects/dot-git.js';
import { createGitSandbox, type GitSandbox } from './git-sandbox.js';

const dotGitNames = [
  '.git',
  '.GIT',
  '.Git',
  'git~1',
  'GIT~1',
  '.git.',
  '.git ',
  '.git. .',
  '.git::$INDEX_ALLOCATION',
  '.git\\hooks',
  '.g\u200Cit',
  '\uFEFF.git',
  '.\u200Dgi\u202At',
];
const notDotGitNames = ['.gitignore', '.github', '.git2', '.git-x', 'git', 'git~2', 'x.git', '.gi', '.gi t', 'ｇit'];
const dotGitmodulesNames = [
  '.gitmodules',
  '.GITMODULES',
  '.gitmodules.',
  '.gitmodules ',
  '.gitmodules:x',
  'gitmod~1',
  'GITMOD~4',
  'gi7eba~1',
  'gi7eb~12',
  'g~123456',
  '.git\u200Cmodules',
];
const notDotGitmodulesNames = ['gitmodules', '.gitmodulesx', 'gitmod~5', 'gitmod~1x', 'gi7eba~12', 'gi7ebb~1', '.gitmodule'];

describe('isDotGitName', () => {
  it.each(dotGitNames)('%j is .git to some filesystem', (name) => expect(isDotGitName(name)).toBe(true));
  it.each(notDotGitNames)('%j is not .git', (name) => expect(isDotGitName(name)).toBe(false));
});

describe('isDotGitmodulesName', () => {
  it.each(dotGitmodulesNames)('%j is .gitmodules to some filesystem', (name) => expect(isDotGitmodulesName(name)).toBe(true));
  it.each(notDotGitmodulesNames)('%j is not .gitmodules', (name) => expect(isDotGitmodulesName(name)).toBe(false));
});

// The real oracle: git fsck --strict flags exactly the names we refuse.
describe('agrees with git fsck --strict', () => {
  let sandbox: GitSandbox;
  beforeAll(() => {
    sandbox = createGitSandbox();
  });
  afterAll(() => sandbox.remove());

  function flaggedNames(names: readonly string[], mode: string, message: string): string[] {
    const content = sandbox.git(['hash-object', '-w', '--stdin'], { input: 'x' });
    const byTree = new Map<string, string>();
    for (const name of names) {
      const tree = sandbox.git(['mktree', '-z'], { input: `${mode} blob ${content}\t${name}\0` });
      byTree.set(tree, name);
    }
    const { stderr } = sandbox.run(['fsck', '--strict', '--no-dangling']);
    const flagged = [...stderr.matchAll(new RegExp(`error in tree ([0-9a-f]{40}): ${message}`, 'g'))];
    return flagged.map((match) => byTree.get(match[1]!) ?? '?').sort();
  }

  it('for .git and its aliases', () => {
    const names = [...dotGitNames, ...notDotGitNames];
    expect(flaggedNames(names, '100644', 'hasDotgit')).toEqual(names.filter(isDotGitName).sort());
  });

  it('for symlinked .gitmodules and its aliases', () => {
    const names = [...dotGitmodulesNames, ...notDotGitmodulesNames];
    expect(flaggedNames(names, '120000', 'gitmodulesSymlink')).toEqual(names.filter(isDotGitmodulesName).sort());
  });
});
