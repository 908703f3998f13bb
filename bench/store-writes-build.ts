import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WatchRecord } from '../src/watcher/records/watch-store.js';
import { watchStoreModule } from './compare.js';
import { serveRpc } from './rpc.js';

/**
 * `--compare` for the store-writes row: adds watches the way `store-writes.ts` does, with the
 * store and watch index of a build's compiled tree (`buildDir`: its `dist-bench`), in a process
 * of its own, so this build and another take turns on the same harness. The record written is
 * this harness's (`records`), the code writing it the build's.
 */
const THIS_BUILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Mod = Record<string, unknown>;
const load = (dir: string, file: string): Promise<Mod> =>
  import(pathToFileURL(path.join(dir, file)).href) as Promise<Mod>;

async function measure(params: {
  buildDir?: string;
  url: string;
  watches: number;
  records: { key: string; record: WatchRecord }[];
}): Promise<{ ms: number }> {
  const dir = params.buildDir ?? THIS_BUILD;
  const { createLogger } = (await load(dir, 'src/logger.js')) as {
    createLogger: (o: { level: string }) => unknown;
  };
  const { createStore } = (await load(dir, 'src/store/create-store.js')) as {
    createStore: (url: string, logger: unknown) => Promise<{ close(): Promise<void> }>;
  };
  const { LocalAtomicKv } = (await load(dir, 'src/store/atomic-kv.js')) as {
    LocalAtomicKv: new (store: unknown, prefix: string) => unknown;
  };
  const { WatchStore } = (await load(dir, watchStoreModule(dir))) as {
    WatchStore: new (backend: unknown) => { create(key: string, record: WatchRecord): Promise<unknown> };
  };
  const store = await createStore(params.url, createLogger({ level: 'silent' }));
  const watches = new WatchStore(new LocalAtomicKv(store, 'w:'));
  const started = performance.now();
  for (const { key, record } of params.records) await watches.create(key, record);
  const ms = performance.now() - started;
  await store.close();
  return { ms };
}

serveRpc({ measure });
