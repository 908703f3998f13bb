/**
 * Redis Cluster's hash slot of a key: CRC16 (XMODEM) of the key's bytes modulo 16384, or of its
 * hash tag only (the text between the first `{` and the next `}`, when not empty), as the Redis
 * Cluster specification defines it. The store groups an `MGET` by slot with it, so each request
 * stays in one slot, and names keys that one script touches together with one tag.
 */
export const SLOTS = 16_384;

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/** The part of `key` that decides its slot: its hash tag when it has a non-empty one, else all of it. */
export function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

export function keySlot(key: string): number {
  return crc16(Buffer.from(hashedPart(key), 'utf8')) % SLOTS;
}

/**
 * `prefix + name` with `name` as the hash tag (`migrate-bot:watch:{workspace-posts:T1}`), so every
 * key made from the same `name` lands in one slot whatever follows it. A prefix that already has a
 * tag decides the slot itself, which keeps the keys together just as well.
 */
export function tagged(prefix: string, name: string): string {
  return `${prefix}{${name}}`;
}

/** Per slot, a short hash tag that lands in it (found once, then kept: a few ms for a new slot). */
const SLOT_TAGS = new Map<number, string>();

/** The first `j<n>` whose slot is `slot`: a tag that can put any name in a chosen slot. */
export function slotTag(slot: number): string {
  let tag = SLOT_TAGS.get(slot);
  for (let n = 0; tag === undefined && n < 1_000_000; n++) if (keySlot(`j${n}`) === slot) tag = `j${n}`;
  SLOT_TAGS.set(slot, tag!);
  return tag!;
}

/**
 * A record's journal lives under the record's own name (`<name>:journal`): inside the ACL's prefix
 * (`~migrate-bot:*`) and, on a cluster, in the record's slot so one script writes both. A hash-tagged
 * name shares its tag; an untagged one gets a suffix tag hashing to the whole name's slot. The
 * pre-issue-73 name `{<name>}:journal` is `legacyJournalName`, which the sweep still reads.
 */
export function journalName(name: string, cluster: boolean): string {
  if (!cluster || hashedPart(name) !== name || name.includes('{')) return `${name}:journal`;
  return `${name}:journal{${slotTag(keySlot(name))}}`;
}

/** The journal's name before issue 73 (undefined where it was already `journalName`'s). */
export function legacyJournalName(name: string): string | undefined {
  return hashedPart(name) !== name || name.includes('}') ? undefined : `{${name}}:journal`;
}
