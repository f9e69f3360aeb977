import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * `@govc/core/protocol` promises to run in browsers and workers. This walks every file its
 * index reaches through relative imports and reports what would tie it to Node: a builtin
 * module, a package outside the allowlist, or a Node global used as a value (types are erased,
 * so `typeof Buffer` in a type is fine, and so is a feature test through `globalThis`).
 */
const allowedPackages = new Set(['msgpackr']);
const nodeGlobals = new Set([
  'Buffer',
  'process',
  'require',
  'module',
  '__dirname',
  '__filename',
  'global',
  'setImmediate',
  'clearImmediate',
]);
const builtins = new Set(builtinModules);

type ReadSource = (path: string) => string | undefined;

function findNodeOnlyUses(entry: string, readSource: ReadSource): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const text = readSource(path);
    if (text === undefined) {
      problems.push(`${path}: cannot be read`);
      continue;
    }
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node): string => `${path}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      const specifier = moduleSpecifierOf(node);
      if (specifier !== undefined) {
        if (specifier.startsWith('.')) queue.push(resolve(dirname(path), specifier.replace(/\.js$/, '.ts')));
        else if (specifier.startsWith('node:') || builtins.has(specifier))
          problems.push(`${where(node)}: imports the Node builtin ${specifier}`);
        else if (!allowedPackages.has(packageName(specifier))) problems.push(`${where(node)}: imports ${specifier}, outside the allowlist`);
      }
      if (ts.isIdentifier(node) && nodeGlobals.has(node.text) && isValueReference(node)) {
        problems.push(`${where(node)}: uses Node's global ${node.text}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return problems;
}

function moduleSpecifierOf(node: ts.Node): string | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
    return node.moduleSpecifier.text;
  }
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    const [argument] = node.arguments;
    return argument && ts.isStringLiteral(argument) ? argument.text : '<dynamic import>';
  }
  return undefined;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Whether `identifier` names the global at runtime: not a type, a property name or a declaration of its own. */
function isValueReference(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === identifier) return false;
  if (
    (ts.isPropertySignature(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent)) &&
    parent.name === identifier
  )
    return false;
  for (let node: ts.Node = identifier; node.parent; node = node.parent) {
    if (ts.isTypeNode(node)) return false;
  }
  return true;
}

const fromDisk: ReadSource = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const sourceRoot = fileURLToPath(new URL('../../src/', import.meta.url));

describe('@govc/core/protocol is runtime-neutral', () => {
  it('reaches no Node builtin, foreign package or Node global from its index', () => {
    const entry = join(sourceRoot, 'protocol/index.ts');
    expect(findNodeOnlyUses(entry, fromDisk).map((problem) => problem.replace(sourceRoot, ''))).toEqual([]);
  });

  describe('the guard itself', () => {
    const check = (files: Record<string, string>): string[] => findNodeOnlyUses('/p/index.ts', (path) => files[path]);

    it('reports a builtin imported two files away, with or without the node: prefix', () => {
      const problems = check({
        '/p/index.ts': "export * from './a.js';",
        '/p/a.ts': "import { x } from './b.js';\nexport const y = x;",
        '/p/b.ts': "import { gzipSync } from 'node:zlib';\nimport 'fs';\nexport const x = gzipSync;",
      });
      expect(problems).toEqual(['/p/b.ts:1: imports the Node builtin node:zlib', '/p/b.ts:2: imports the Node builtin fs']);
    });

    it('reports packages outside the allowlist and dynamic imports, and lets msgpackr through', () => {
      const problems = check({
        '/p/index.ts': "import { pack } from 'msgpackr';\nimport ws from 'ws';\nexport const m = () => import('undici');",
      });
      expect(problems).toEqual([
        '/p/index.ts:2: imports ws, outside the allowlist',
        '/p/index.ts:3: imports undici, outside the allowlist',
      ]);
    });

    it('reports Node globals used as values and passes them in types, property names and globalThis tests', () => {
      const problems = check({
        '/p/index.ts': [
          'const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;',
          'type Timer = ReturnType<typeof setImmediate>;',
          "const bytes = Buffer.from('x');",
          'const exit = () => process.exit(1);',
        ].join('\n'),
      });
      expect(problems).toEqual(["/p/index.ts:3: uses Node's global Buffer", "/p/index.ts:4: uses Node's global process"]);
    });

    it('reports a relative import that does not resolve', () => {
      expect(check({ '/p/index.ts': "export * from './gone.js';" })).toEqual(['/p/gone.ts: cannot be read']);
    });
  });
});
