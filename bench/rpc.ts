import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/**
 * Calls between the benchmark's orchestrator and its child processes (the world of simulators and
 * fake Slack, the watcher under test) over Node's IPC channel. Every call has a time limit.
 */
// biome-ignore lint/suspicious/noExplicitAny: handlers get whatever JSON the orchestrator sends
export type Handlers = Record<string, (params: any) => unknown>;

interface Request {
  id: number;
  method: string;
  params: unknown;
}
interface Response {
  id: number;
  result?: unknown;
  error?: string;
}

/** In a child: answers calls with `handlers`, then says it is ready. */
export function serveRpc(handlers: Handlers): void {
  process.on('message', (message: Request) => {
    const handler = handlers[message.method];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown method ${message.method}`);
        return handler(message.params);
      })
      .then(
        (result) => process.send?.({ id: message.id, result } satisfies Response),
        (error: unknown) =>
          process.send?.({
            id: message.id,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          } satisfies Response),
      );
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ id: 0, result: 'ready' } satisfies Response);
}

export interface RpcChild {
  readonly child: ChildProcess;
  call<T>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Forks `script` (a path relative to this file's folder, the compiled `bench/`, e.g.
 * `poll/poll-world.js`; or an absolute path: another build's, for `--compare`) and waits until it is ready.
 */
export async function startRpc(
  script: string,
  options: { execArgv?: string[]; env?: Record<string, string> } = {},
): Promise<RpcChild> {
  const file = path.isAbsolute(script)
    ? script
    : path.join(path.dirname(fileURLToPath(import.meta.url)), script);
  const child = fork(file, [], {
    execArgv: options.execArgv ?? [],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 1;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    child.on('message', (message: Response) => {
      if (message.id === 0) {
        resolve();
        return;
      }
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(`${script}: ${message.error}`));
      else waiting.resolve(message.result);
    });
  });
  child.on('exit', (code, signal) => {
    for (const { reject } of pending.values())
      reject(new Error(`${script} exited (${code ?? signal}) during a call`));
    pending.clear();
  });
  await Promise.race([
    ready,
    sleep(60_000, undefined, { ref: false }).then(() => {
      throw new Error(`${script} not ready within 60 s`);
    }),
  ]);
  return {
    child,
    call<T>(method: string, params: unknown = {}, timeoutMs = 300_000): Promise<T> {
      const id = next++;
      // A child that is gone (a replica killed on purpose) answers nothing: say so at once.
      if (!child.connected) return Promise.reject(new Error(`${script} is gone (${method})`));
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${script}.${method} took more than ${timeoutMs / 1000} s`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ id, method, params } satisfies Request);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
