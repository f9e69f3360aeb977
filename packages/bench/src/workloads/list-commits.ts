import type { Workload } from './workload.js';

const commits = 100;
const author = { name: 'Bench', email: 'bench@example.com', time: 1_700_000_000 };

/** A ~10 KB structured response: ListCommits of 100 commits, one call at a time. */
export function listCommitsWorkload(ops: Workload['ops']): Workload {
  return {
    name: 'list-100-commits',
    about: `ListCommits of ${commits} commits (~10 KB response), one call at a time`,
    concurrency: 1,
    ops,
    itemsPerOp: 1,
    everyVariant: true,
    async prepare(client, repo) {
      const made: string[] = [];
      for (let index = 0; index < commits; index++) {
        const content = new TextEncoder().encode(`commit ${index}\n`);
        const { hash } = await client.commit({
          repo,
          branch: 'main',
          message: `history ${index}: ${'a change that says what it does '.repeat(2)}`,
          author,
          changes: [{ path: 'log.txt', content }],
        });
        made.unshift(hash);
      }
      return {
        async op() {
          const { commits: listed } = await client.listCommits({ repo, ref: 'main', limit: commits });
          return () => {
            if (listed.length !== made.length || listed.some((commit, at) => commit.hash !== made[at]))
              throw new Error('ListCommits answered another history');
          };
        },
        async verifyState() {
          if ((await client.getRepository({ repo })).head !== made[0]) throw new Error('main moved');
        },
      };
    },
  };
}
