import { Empty, RepoRequest, type HandlerContext, type ListRepositoriesResponse, type Repository } from '@govc/core';
import { checkMessage } from '@govc/core/protocol';
import type { OpContext } from '../model/op-context.js';
import { checkCallRepo, type ServiceState } from '../service-state.js';
import type { RepositoryRecord } from '../store/storage.js';

// GetRepository acts inside one repository (a batch op too); creating, listing and deleting act
// on the store's set of repositories, so they take the service's state rather than an opened one.

/** What the service answers about a repository: its facts, and its default branch's head if it has one. */
function repositoryMessage(record: RepositoryRecord, head: string | undefined): Repository {
  const info = { repo: record.name, defaultBranch: record.defaultBranch, createdAt: record.createdAt };
  return head ? { ...info, head } : info;
}

/** GetRepository: the repository's facts and its default branch's head. */
export async function getRepository(ctx: OpContext): Promise<Repository> {
  const { record } = ctx;
  return repositoryMessage(record, await ctx.refs.get(`refs/heads/${record.defaultBranch}`));
}

/** CreateRepository: a new, empty repository on branch `main`; `already_exists` if the name is taken. */
export async function createRepository(state: ServiceState, request: unknown, call: HandlerContext): Promise<Repository> {
  checkMessage(RepoRequest, request);
  checkCallRepo(request.repo, call);
  return state.once(call, request.repo, 'CreateRepository', request, async (durableOutcome) => {
    const record = { name: request.repo, defaultBranch: 'main', createdAt: state.now() };
    const response = repositoryMessage(record, undefined);
    await state.store.createRepository(record, durableOutcome(response));
    state.drop(record.name); // a repository of the same name may have lived before
    return response;
  });
}

/** ListRepositories: every repository, sorted by name, each with its default branch's head. */
export async function listRepositories(state: ServiceState, request: unknown): Promise<ListRepositoriesResponse> {
  checkMessage(Empty, request);
  const records = await state.store.listRepositories();
  const repos = await Promise.all(
    records.map(async (record) => repositoryMessage(record, await state.store.getRef(record.name, `refs/heads/${record.defaultBranch}`))),
  );
  return { repos };
}

/** DeleteRepository: removes the repository with its objects and refs, and ends its watches. */
export async function deleteRepository(state: ServiceState, request: unknown, call: HandlerContext): Promise<Empty> {
  checkMessage(RepoRequest, request);
  checkCallRepo(request.repo, call);
  // A repeat of a delete that succeeded finds its outcome before finding no repository.
  return state.once(call, request.repo, 'DeleteRepository', request, async () => {
    await state.open(request.repo, call);
    await state.store.deleteRepository(request.repo);
    state.drop(request.repo);
    return {};
  });
}
