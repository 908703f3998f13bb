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
  src: { bucket: string; object_key?: string[] };
  dst: { bucket: string };
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
