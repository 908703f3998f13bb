import type { RawRecord, RawRecords } from '../store/raw-records.js';
import { SEALED_NEEDLE, type SealedValue, sealedValuesOf } from './sealed-records.js';
import type { SecretBox } from './secret-box.js';

/**
 * Key rotation that can be finished: count the sealed values in the whole store per key
 * id, and re-encrypt every one that is not under the current key, online. Each record is rewritten
 * by a compare-and-set on the text that was read, so a write of the bot meanwhile wins and the
 * record is read again; each sealed value is replaced in the text as it stands (it is unique: a
 * random IV), so nothing else in the record changes.
 */

export interface KeyStatus {
  /** Sealed values per key id (every id of the ring listed, 0 when unused). */
  byKey: Map<string, number>;
  /** Records holding at least one sealed value. */
  records: number;
  /** Sealed values under an older key (what `rotate` would re-encrypt). */
  old: number;
  /** Records with a sealed value the bot does not know how to open (no context). */
  unknown: string[];
}

export interface RotateResult {
  /** Sealed values re-encrypted under the current key. */
  rewrapped: number;
  /** Records written. */
  records: number;
  /** Compare-and-sets that lost to another write and were read again. */
  retried: number;
  /** Records that could not be re-encrypted, with why (a key not in the ring, altered data…). */
  failed: { key: string; reason: string }[];
  /** The store as it is afterwards. */
  after: KeyStatus;
}

const MAX_ATTEMPTS = 20;

export async function keyStatus(records: RawRecords, box: SecretBox): Promise<KeyStatus> {
  const status: KeyStatus = {
    byKey: new Map(box.keyIds.map((id) => [id, 0])),
    records: 0,
    old: 0,
    unknown: [],
  };
  for await (const page of records.scan(SEALED_NEEDLE))
    for (const record of page) {
      const values = sealedValuesOf(record);
      if (values.length === 0) continue;
      status.records++;
      for (const value of values) {
        status.byKey.set(value.keyId, (status.byKey.get(value.keyId) ?? 0) + 1);
        if (value.keyId !== box.currentKeyId) status.old++;
      }
      if (values.some((v) => v.context === undefined)) status.unknown.push(record.key);
    }
  return status;
}

export interface RotateOptions {
  /** Called before each compare-and-set (tests: a write of the bot lands in between). */
  beforeWrite?: (record: RawRecord) => Promise<void>;
}

export async function rotateKeys(
  records: RawRecords,
  box: SecretBox,
  options: RotateOptions = {},
): Promise<RotateResult> {
  const result: Omit<RotateResult, 'after'> = { rewrapped: 0, records: 0, retried: 0, failed: [] };
  for await (const page of records.scan(SEALED_NEEDLE))
    for (const record of page) await rotateRecord(records, box, record, result, options);
  return { ...result, after: await keyStatus(records, box) };
}

async function rotateRecord(
  records: RawRecords,
  box: SecretBox,
  first: RawRecord,
  result: Omit<RotateResult, 'after'>,
  options: RotateOptions,
): Promise<void> {
  let record: RawRecord | undefined = first;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && record; attempt++) {
    const old = sealedValuesOf(record).filter((v) => v.keyId !== box.currentKeyId && v.context !== undefined);
    if (old.length === 0) return;
    let next: string;
    try {
      next = rewrapAll(record.value, old, box);
    } catch (error) {
      result.failed.push({ key: record.key, reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    await options.beforeWrite?.(record);
    if (await records.compareAndSet(record.key, record.value, next)) {
      result.rewrapped += old.length;
      result.records++;
      return;
    }
    // Written meanwhile (or gone): read it again and start over from what it holds now.
    result.retried++;
    const value = await records.read(record.key);
    record = value === undefined ? undefined : { ...record, value };
  }
  if (record)
    result.failed.push({ key: record.key, reason: `it changed ${MAX_ATTEMPTS} times while being rewritten` });
}

function rewrapAll(text: string, values: readonly SealedValue[], box: SecretBox): string {
  let next = text;
  for (const value of values) next = next.replaceAll(value.sealed, box.rewrap(value.sealed, value.context));
  return next;
}
