import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInProcessTransport } from '@govc/core';
import { describeTransportConformance } from '@govc/core/conformance';
import { createDiskStore, createGovcService, type Storage } from '@govc/service';
import { afterAll, beforeAll } from 'vitest';

// The kit makes its service synchronously; the disk store opens asynchronously, so it is opened
// here first (a file-level hook runs before the kit's own) and the service closes it at the end.
let dataDir: string;
let store: Storage;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'govc-disk-conformance-'));
  store = await createDiskStore({ dataDir });
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describeTransportConformance(
  async ({ handler }) => {
    const transport = createInProcessTransport(handler);
    return {
      transport,
      async [Symbol.asyncDispose]() {
        await transport.close();
      },
    };
  },
  // In process, nothing is read ahead of the consumer but the chunk it is handed.
  { name: 'in-process on the disk store', bidi: true, maxReadAheadBytes: 0 },
  { createService: () => createGovcService({ store }) },
);
