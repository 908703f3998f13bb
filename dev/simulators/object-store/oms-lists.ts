import type { ObjectStoreSimulator } from './index.js';
import { uriEncode } from './sigv4-check.js';

/**
 * The OMS simulator's `failedLists` hook, writing into an S3 store: a task that ends with failed
 * objects leaves their list at its `failed_object_record.list_file_key` in the destination bucket
 * (seed 002 Table 5-19). One object name a line, URL-encoded as OMS list files are (a name may hold
 * a line break). The names are the first `failed_num` objects of the source bucket under the task's
 * prefixes when the store holds that bucket, else made up.
 */
/** What the hook is given of a task (the OMS simulator's task, as far as a list needs it). */
export interface ListedTask {
  failedListKey?: string;
  failedNum: number;
  taskType: string;
  src: { bucket: string; object_key?: string[]; list_file?: { obs_bucket: string; list_file_key: string } };
  dst: { bucket: string; save_prefix?: string };
}

export function writeOmsFailedLists(store: ObjectStoreSimulator): (task: ListedTask) => void {
  return (task) => {
    if (!task.failedListKey) return;
    const source = store.buckets.get(task.src.bucket);
    const prefixes = task.taskType === 'prefix' ? (task.src.object_key ?? ['']) : [''];
    const names = (source?.keys() ?? [])
      .filter((k) => prefixes.some((p) => k.startsWith(p)))
      .slice(0, task.failedNum);
    for (let i = names.length; i < task.failedNum; i++) names.push(`${prefixes[0] ?? ''}failed-object-${i}`);
    store.putObject(
      task.dst.bucket,
      task.failedListKey,
      names.map((n) => `${uriEncode(n, false)}\n`).join(''),
    );
  };
}

/** The keys a list file names, as OMS writes them (URL-encoded, one a line, a tab then notes). */
function listedKeys(
  store: ObjectStoreSimulator,
  list: { obs_bucket: string; list_file_key: string },
): string[] {
  const body = store.buckets.get(list.obs_bucket)?.objects.get(list.list_file_key)?.body;
  const keys: string[] = [];
  for (const line of body?.toString('utf8').split('\n') ?? []) {
    const encoded = line.split('\t')[0]!.trim();
    if (encoded === '') continue;
    try {
      keys.push(decodeURIComponent(encoded));
    } catch {
      keys.push(encoded);
    }
  }
  return keys;
}

/**
 * The OMS simulator's list tasks over an S3 store: a `list` task is sized by the objects its list
 * file names that the source holds, and when it succeeds brings them to the destination (under
 * `save_prefix`, the key kept whole, as OMS does). A named object the source no longer holds is
 * neither counted nor brought.
 */
export function omsListTasks(store: ObjectStoreSimulator) {
  const held = (bucket: string, list: { obs_bucket: string; list_file_key: string }) => {
    const source = store.buckets.get(bucket);
    return listedKeys(store, list).flatMap((key) => {
      const object = source?.objects.get(key);
      return object?.body ? [{ key, body: object.body }] : [];
    });
  };
  return {
    listSize: (src: { bucket: string; list_file?: { obs_bucket: string; list_file_key: string } }) => {
      if (!src.list_file || !store.buckets.get(src.list_file.obs_bucket)) return undefined;
      const objects = held(src.bucket, src.list_file);
      return { objects: objects.length, bytes: objects.reduce((sum, o) => sum + o.body.length, 0) };
    },
    succeeded: (task: ListedTask) => {
      if (task.taskType !== 'list' || !task.src.list_file) return;
      for (const o of held(task.src.bucket, task.src.list_file))
        store.putObject(task.dst.bucket, `${task.dst.save_prefix ?? ''}${o.key}`, o.body);
    },
  };
}
