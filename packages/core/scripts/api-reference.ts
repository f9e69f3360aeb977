import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describeService, type ErrorDescription, type FieldDescription } from '../src/index.js';
import { grpcStatusOf, httpStatusOf } from '../src/protocol/index.js';

/** The generated reference, kept in the repository; `test/schema/api-reference.test.ts` keeps it current. */
export const apiReferencePath = new URL('../API.md', import.meta.url);

const messagesSource = new URL('../src/schema/messages.ts', import.meta.url);

/** The text of a doc comment right before `node`, on one line; `''` without one. */
function docBefore(node: ts.Node, text: string): string {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const doc = ranges.filter((range) => text.startsWith('/**', range.pos)).at(-1);
  if (!doc) return '';
  return text
    .slice(doc.pos + 3, doc.end - 2)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trim())
    .filter(Boolean)
    .join(' ');
}

/** The doc comments of `messages.ts`: each message's, and each field's as `typeName.field`. */
function readMessageDocs(): Map<string, string> {
  const text = readFileSync(messagesSource, 'utf8');
  const file = ts.createSourceFile('messages.ts', text, ts.ScriptTarget.Latest, true);
  const docs = new Map<string, string>();
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const [declaration] = statement.declarationList.declarations;
    const call = declaration?.initializer;
    if (!call || !ts.isCallExpression(call)) continue;
    const [typeName, shape] = call.arguments;
    if (!typeName || !ts.isStringLiteral(typeName) || !shape || !ts.isObjectLiteralExpression(shape)) continue;
    const messageDoc = docBefore(statement, text);
    if (messageDoc) docs.set(typeName.text, messageDoc);
    for (const property of shape.properties) {
      const fieldDoc = docBefore(property, text);
      if (fieldDoc && property.name && ts.isIdentifier(property.name)) docs.set(`${typeName.text}.${property.name.text}`, fieldDoc);
    }
  }
  return docs;
}

const cell = (text: string): string => text.replaceAll('|', '\\|');
const anchor = (typeName: string): string => `#${typeName.toLowerCase().replace(/[^a-z0-9-]/g, '')}`;
const shapes = { unary: 'unary', client_stream: 'client stream', server_stream: 'server stream', bidi: 'bidi stream' } as const;

function typeOf(field: FieldDescription, messageNames: ReadonlySet<string>): string {
  const base = messageNames.has(field.type) ? `[\`${field.type}\`](${anchor(field.type)})` : `\`${field.type}\``;
  return field.repeated ? `${base}[]` : base;
}

function errorTable(errors: readonly ErrorDescription[]): string[] {
  return [
    '| code | HTTP | gRPC | when |',
    '| --- | --- | --- | --- |',
    ...errors.map((error) => `| \`${error.code}\` | ${httpStatusOf[error.code]} | ${grpcStatusOf[error.code]} | ${cell(error.when)} |`),
  ];
}

/** Renders the API reference, Markdown, from the schema, the method docs and the doc comments of `messages.ts`. */
export function renderApiReference(): string {
  const description = describeService();
  const docs = readMessageDocs();
  const messageNames = new Set(description.messages.map((message) => message.typeName));
  const lines: string[] = [
    '# govc API reference',
    '',
    '<!-- Generated from packages/core/src/schema by `npm run docs`; test/schema/api-reference.test.ts fails when it is stale. -->',
    '',
    `The service \`${description.service}\`: ${description.methods.length} methods. Every transport carries the same methods,`,
    'messages and errors; each transport package documents its wire. Field names are as written (camelCase);',
    'hashes are 40 lowercase hex characters; `bytes` are raw bytes (base64 in JSON). A field is required',
    'unless marked optional. The typed client (`createClient` from `@govc/core`) names each method in',
    'camelCase (`client.storeBlob(…)`). A running server describes itself as JSON at `GET /v1`.',
    '',
    '**Idempotent** methods may be repeated safely; any other call that a client may retry carries an',
    '`idempotency-key`, and the server runs it once per key. **Batchable** methods may be ops of',
    '`BatchOperations`.',
    '',
    '## Errors every call may get',
    '',
    ...errorTable(description.callErrors),
    '',
    '## Methods',
    '',
    '| method | shape | request → response | idempotent | batchable |',
    '| --- | --- | --- | --- | --- |',
    ...description.methods.map(
      (method) =>
        `| [${method.name}](${anchor(method.name)}) | ${shapes[method.kind]} | \`${method.input}\` → \`${method.output}\` | ${method.idempotent ? 'yes' : 'no'} | ${method.batchable ? 'yes' : 'no'} |`,
    ),
  ];
  for (const method of description.methods) {
    lines.push(
      '',
      `### ${method.name}`,
      '',
      `${shapes[method.kind]}: [\`${method.input}\`](${anchor(method.input)}) → [\`${method.output}\`](${anchor(method.output)})`,
      '',
      method.summary,
    );
    if (method.errors.length > 0) lines.push('', ...errorTable(method.errors));
  }
  lines.push('', '## Messages');
  for (const message of description.messages) {
    lines.push('', `### ${message.typeName}`);
    const messageDoc = docs.get(message.typeName);
    if (messageDoc) lines.push('', messageDoc);
    if (message.fields.length === 0) {
      lines.push('', 'No fields.');
      continue;
    }
    lines.push('', '| field | no | type | presence | notes |', '| --- | --- | --- | --- | --- |');
    for (const field of message.fields) {
      const doc = docs.get(`${message.typeName}.${field.name}`) ?? '';
      lines.push(
        `| \`${field.name}\` | ${field.no} | ${typeOf(field, messageNames)} | ${field.optional ? 'optional' : 'required'} | ${cell(doc)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
