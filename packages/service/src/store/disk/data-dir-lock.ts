import { createHash } from 'node:crypto';
import { link, lstat, readdir, realpath, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GovcError } from '@govc/core';
import { storageError, tempPath } from './durable-file.js';

// The lock is a listening UNIX socket, `<dataDir>/govc.lock`, which the kernel closes when its
// holder dies, however it dies: a connection answered is a live holder, ECONNREFUSED a dead one
// (or a file that is no socket, such as the pid file of earlier versions: a pid proves nothing
// once reused, and a server restarted as PID 1 of a new namespace found its own in it).
// Why the steps, and their order:
// - A socket listens under a fresh temp name, then is link(2)ed to its name: link fails if the
//   name exists, and the name never shows a socket bound but not yet listening (it looks dead).
// - Only a dead socket is unlinked, and only by the process that holds the guard
//   `govc.lock.takeover-<inode>` named after it, which re-checks under the guard that the name
//   still holds that inode (ino and ctime) and that it is dead. A dead socket never comes back
//   and nobody else may unlink it, so a racer acting on an old look (it saw the dead lock before
//   another took over) never unlinks a live one: of racers on a stale lock one links first, and
//   the others find it live.
// - The guard is such a socket too: a process killed inside a takeover leaves a dead guard,
//   removed the same way, under the guard named after its own inode.
// - A holder unlinks its name before it stops listening, so the name never shows it dead while
//   it may still remove the name.

/** The lock a running store holds on its data directory; see {@link acquireDataDirLock}. */
export interface DataDirLock {
  /** `<dataDir>/govc.lock` (the real path), or `@govc-lock-<sha256>` for an abstract socket. */
  readonly path: string;
  /** Stops answering and removes the socket file; safe to call more than once. */
  release(): Promise<void>;
}

const lockName = 'govc.lock';
/** The longest name bound or connected to in the directory: a guard, named after a 64-bit inode. */
const longestName = `${lockName}.takeover-18446744073709551615`;
/** Bytes of a socket path without its NUL: `sun_path` holds 108 on Linux, 104 on macOS and the BSDs; Node cuts longer ones silently. */
const maxSocketPathBytes = process.platform === 'linux' ? 107 : 103;
/** How long the lock may stay in flux (takeovers going on) before acquiring gives up. */
const acquireDeadlineMs = 10_000;
/** How long a holder that accepted a connection has to say its pid; it counts as live either way. */
const pidAnswerMs = 1_000;
/** Guard names nest only when a process dies inside a takeover; deeper means something else is wrong. */
const maxGuardDepth = 8;

type Probe = { readonly state: 'live'; readonly pid: string } | { readonly state: 'dead' | 'missing' };

/** Listens on `address` and answers each connection with our pid; unref'd, so it never keeps the process alive. */
async function listenAt(address: string): Promise<Server> {
  const server = createServer(function answerPid(socket) {
    socket.on('error', () => undefined);
    socket.unref();
    socket.end(`${process.pid}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A failed accept only leaves that prober without an answer.
  server.on('error', () => undefined);
  server.unref();
  return server;
}

/**
 * Stops listening at once (uv_close closes the fd). Not waiting for 'close': that waits for
 * answered connections, which are unref'd, and a process with nothing else to do would exit.
 */
function stopListening(server: Server): void {
  server.close();
}

/** Who answers at `address`: a connection is a live holder (EAGAIN too: its backlog is full). */
function probe(address: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(address);
    let connected = false;
    let answer = '';
    const timer = setTimeout(() => done({ state: 'live', pid: '' }), pidAnswerMs);
    function done(outcome: Probe | Error): void {
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    }
    socket.setEncoding('utf8');
    socket.on('connect', () => (connected = true));
    socket.on('data', (text: string) => (answer += text));
    socket.on('end', () => done({ state: 'live', pid: answer.trim() }));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (connected || error.code === 'EAGAIN') done({ state: 'live', pid: answer.trim() });
      else if (error.code === 'ECONNREFUSED' || error.code === 'ENOTSOCK') done({ state: 'dead' });
      else if (error.code === 'ENOENT') done({ state: 'missing' });
      else done(error);
    });
  });
}

async function unlinkIfPresent(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** The inode at `path`, and its ctime with it: an inode number alone may be reused. */
async function identity(path: string): Promise<{ readonly ino: bigint; readonly id: string } | undefined> {
  try {
    const stats = await lstat(path, { bigint: true });
    return { ino: stats.ino, id: `${stats.ino}:${stats.ctimeNs}` };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A listening socket linked to `path`, or undefined when `path` exists (see the comment at the top). */
async function install(dir: string, path: string): Promise<Server | undefined> {
  const temp = tempPath(dir, lockName);
  const server = await listenAt(temp);
  try {
    await link(temp, path);
  } catch (error) {
    // Closing removes the temp name. ENOENT: a store that won cleared temp names at its start-up.
    stopListening(server);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOENT') return undefined;
    throw error;
  }
  await unlinkIfPresent(temp);
  return server;
}

/** Removes the dead socket (or old pid file) at `path` if no one else does; the caller looks again. */
async function removeDead(dir: string, path: string, depth: number): Promise<void> {
  const seen = await identity(path);
  if (seen === undefined) return;
  if (depth > maxGuardDepth)
    throw new GovcError('failed_precondition', `could not take over the stale lock ${path}: its takeover guards nest too deep`);
  const guardPath = join(dir, `${lockName}.takeover-${seen.ino}`);
  const guard = await install(dir, guardPath);
  if (guard === undefined) {
    const holder = await probe(guardPath);
    if (holder.state === 'dead') await removeDead(dir, guardPath, depth + 1);
    // Live: another process is taking over right now; let it finish.
    else if (holder.state === 'live') await sleep(5 + Math.random() * 20);
    return;
  }
  try {
    if ((await probe(path)).state === 'dead' && (await identity(path))?.id === seen.id) await unlink(path);
  } finally {
    await unlinkIfPresent(guardPath).finally(() => stopListening(guard));
  }
}

/** Guards left by processes killed inside a takeover whose lock was then taken without one. */
async function removeDeadGuards(dir: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    const guardPath = join(dir, entry);
    if (entry.startsWith(`${lockName}.takeover-`) && (await probe(guardPath)).state === 'dead') await removeDead(dir, guardPath, 1);
  }
}

function inUse(dataDir: string, path: string, pid: string): GovcError {
  const holder = pid === '' ? '' : `, held by pid ${pid}`;
  return new GovcError('failed_precondition', `data directory ${dataDir} is in use by another running govc store (lock ${path}${holder})`);
}

function heldLock(path: string, server: Server, ino: bigint | undefined): DataDirLock {
  let released: Promise<void> | undefined;
  return {
    path,
    release() {
      released ??= (async function releaseLock() {
        // Only our own socket: a name someone else took since (after deleting ours) stays theirs.
        try {
          if (ino !== undefined && (await identity(path))?.ino === ino) await unlinkIfPresent(path);
        } finally {
          stopListening(server);
        }
      })();
      return released;
    },
  };
}

async function acquireSocketFile(dataDir: string, dir: string): Promise<DataDirLock> {
  const path = join(dir, lockName);
  for (const deadline = Date.now() + acquireDeadlineMs; Date.now() < deadline;) {
    const server = await install(dir, path);
    if (server !== undefined) {
      const lock = heldLock(path, server, (await identity(path))?.ino);
      await removeDeadGuards(dir).catch(() => undefined);
      return lock;
    }
    const holder = await probe(path);
    if (holder.state === 'live') throw inUse(dataDir, path, holder.pid);
    if (holder.state === 'dead') await removeDead(dir, path, 0);
  }
  throw new GovcError(
    'failed_precondition',
    `could not take the lock ${path} within ${acquireDeadlineMs / 1000} s: other processes keep taking it over`,
  );
}

/** An abstract socket has no file: the kernel frees the name when its holder dies, so there is nothing to take over. */
async function acquireAbstractSocket(dataDir: string, dir: string): Promise<DataDirLock> {
  const name = `govc-lock-${createHash('sha256').update(dir).digest('hex')}`;
  const path = `@${name}`;
  for (const deadline = Date.now() + acquireDeadlineMs; Date.now() < deadline;) {
    try {
      return heldLock(path, await listenAt(`\0${name}`), undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
    const holder = await probe(`\0${name}`);
    if (holder.state === 'live') throw inUse(dataDir, path, holder.pid);
    // Bound but not listening yet: another process is taking it right now.
    await sleep(5 + Math.random() * 20);
  }
  throw new GovcError(
    'failed_precondition',
    `could not take the lock ${path} within ${acquireDeadlineMs / 1000} s: other processes keep taking it`,
  );
}

/**
 * Takes the lock of `dataDir`, so that a second server cannot open the directory: a listening
 * UNIX socket `<dataDir>/govc.lock`, released by the kernel when this process dies. A lock whose
 * holder died (a crashed server) or a pid file of earlier versions is taken over; a live one — in
 * this process too — fails `failed_precondition`. A directory whose path is too long for a socket
 * file gets, on Linux, the abstract socket `@govc-lock-<sha256 of its real path>`; two servers
 * reaching it by different real paths (other mounts) or from different network namespaces then
 * do not see each other's lock. Elsewhere such a path fails `invalid_argument`.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  try {
    const dir = await realpath(dataDir);
    const longest = Buffer.byteLength(join(dir, longestName));
    if (longest <= maxSocketPathBytes) return await acquireSocketFile(dataDir, dir);
    if (process.platform === 'linux') return await acquireAbstractSocket(dataDir, dir);
    throw new GovcError(
      'invalid_argument',
      `the path of data directory ${dataDir} is too long for its lock socket: ${dir} must stay within ${maxSocketPathBytes - longestName.length - 1} bytes`,
    );
  } catch (error) {
    throw storageError(error, `locking ${dataDir}`);
  }
}
