import {
  GovcError,
  govcMethods,
  type AnyHandler,
  type AnyMethod,
  type GovcMethodName,
  type HandlerContext,
  type Repository,
  type ServiceHandler,
} from '@govc/core';
import { allows, type AccessLevel } from './access-grants.js';
import { credentialError, type AccessPolicy, type Principal } from './access-policy.js';
import { methodAccess, unknownMethodAccess } from './method-access.js';

type Fn = (request: never, context: HandlerContext) => unknown;

/** The caller's context, now naming who the token says the caller is. */
function asCaller(context: HandlerContext, principal: Principal | undefined): HandlerContext {
  return {
    get signal() {
      return context.signal;
    },
    deadline: context.deadline,
    headers: context.headers,
    caller: principal?.name ?? '',
    facts: context.facts,
  };
}

function repoOf(message: unknown): string {
  const repo = (message as { repo?: unknown } | null | undefined)?.repo;
  return typeof repo === 'string' ? repo : '';
}

/** The principal of the call (noted for its log line, so a refusal names whom it refused), or `unauthenticated`. */
function authenticate(policy: AccessPolicy, context: HandlerContext): Principal {
  const principal = policy.authenticate(context.headers.authorization);
  if (principal) {
    if (context.facts) context.facts.caller = principal.name;
    return principal;
  }
  throw credentialError(context.headers.authorization);
}

/** `permission_denied` unless the principal has `needed` in `repo`. */
function check(principal: Principal, repo: string, needed: AccessLevel, what: string): void {
  if (allows(principal.levelIn(repo), needed)) return;
  throw new GovcError(
    'permission_denied',
    `token ${principal.name} may not ${what} in repository ${JSON.stringify(repo)} (needs ${needed})`,
  );
}

/** What a batch needs: each op's method's level, checked op by op before any runs. */
function checkBatch(principal: Principal, request: unknown): void {
  const repo = repoOf(request);
  check(principal, repo, methodAccess.BatchOperations, 'run a batch');
  const operations = (request as { operations?: unknown } | null | undefined)?.operations;
  if (!Array.isArray(operations)) return; // the service answers invalid_argument
  operations.forEach((op: unknown, index) => {
    const { method, id } = (op ?? {}) as { method?: unknown; id?: unknown };
    const needed = typeof method === 'string' && method in methodAccess ? methodAccess[method as GovcMethodName] : unknownMethodAccess;
    check(principal, repo, needed, `run operation ${typeof id === 'string' ? JSON.stringify(id) : index} (${String(method)})`);
  });
}

/** Reads a client stream's first message to learn its repository, then hands on the whole stream. */
async function* checkedStream(requests: AsyncIterable<unknown>, onFirst: (first: unknown) => void): AsyncGenerator<unknown> {
  const iterator = requests[Symbol.asyncIterator]();
  // Returned however the stream ends — a refusal included — so the binding lets go of the request.
  try {
    const first = await iterator.next();
    onFirst(first.done ? undefined : first.value);
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  } finally {
    await iterator.return?.();
  }
}

/**
 * The one place where auth is enforced: wraps a handler so that every method, on every binding
 * that serves it (raw blob routes included, since they call UploadBlob and DownloadBlob), first
 * authenticates the bearer token (`unauthenticated`), then checks the level the method needs in
 * the repository it names (`permission_denied`) — for a batch, op by op before any runs — and
 * hands the service a context whose `caller` is the token's name, so idempotency keys are
 * scoped to it. `ListRepositories` answers only the repositories the token may read. Methods
 * the policy does not know are left out: bindings answer `unimplemented`.
 */
export function authorizeHandler(service: ServiceHandler, policy: AccessPolicy): ServiceHandler {
  const handler = service as unknown as AnyHandler;
  const authorized: Record<string, Fn> = {};
  for (const name of Object.keys(govcMethods) as GovcMethodName[]) {
    const method: AnyMethod = govcMethods[name];
    const fn = handler[name] as ((request: unknown, context: HandlerContext) => unknown) | undefined;
    if (typeof fn !== 'function') continue;
    const needed = methodAccess[name];
    const what = `call ${method.name}`;
    if (method.name === 'Health') {
      authorized[method.name] = fn;
    } else if (method.name === 'ListRepositories') {
      authorized[method.name] = async function listReadable(request: unknown, context: HandlerContext) {
        const principal = authenticate(policy, context);
        const response = (await fn(request, asCaller(context, principal))) as { repos: Repository[] };
        return { ...response, repos: response.repos.filter((repo) => allows(principal.levelIn(repo.repo), 'read')) };
      };
    } else if (method.name === 'BatchOperations') {
      authorized[method.name] = async function batchChecked(request: unknown, context: HandlerContext) {
        const principal = authenticate(policy, context);
        checkBatch(principal, request);
        return fn(request, asCaller(context, principal));
      };
    } else if (method.kind === 'unary') {
      authorized[method.name] = async function unaryChecked(request: unknown, context: HandlerContext) {
        const principal = authenticate(policy, context);
        check(principal, repoOf(request), needed, what);
        return fn(request, asCaller(context, principal));
      };
    } else if (method.kind === 'server_stream') {
      authorized[method.name] = async function* serverStreamChecked(request: unknown, context: HandlerContext) {
        const principal = authenticate(policy, context);
        check(principal, repoOf(request), needed, what);
        yield* fn(request, asCaller(context, principal)) as AsyncIterable<unknown>;
      };
    } else if (method.kind === 'client_stream') {
      authorized[method.name] = async function clientStreamChecked(requests: AsyncIterable<unknown>, context: HandlerContext) {
        const principal = authenticate(policy, context);
        const checked = checkedStream(requests, (first) => check(principal, repoOf(first), needed, what));
        return fn(checked, asCaller(context, principal));
      };
    } else {
      authorized[method.name] = async function* bidiChecked(requests: AsyncIterable<unknown>, context: HandlerContext) {
        const principal = authenticate(policy, context);
        const checked = checkedStream(requests, (first) => check(principal, repoOf(first), needed, what));
        yield* fn(checked, asCaller(context, principal)) as AsyncIterable<unknown>;
      };
    }
  }
  // Each method keeps its signature: the wrappers take and return what the service's do.
  return authorized as unknown as ServiceHandler;
}
