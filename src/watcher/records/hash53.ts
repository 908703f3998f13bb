/**
 * A 53-bit hash (cyrb53's mixing, public domain) of a string, or of a JSON-like value walked in
 * place (no `JSON.stringify`, whose Dates' ISO strings cost five times the walk).
 * Two values that differ are taken for the same with a chance of about 1 in 2^53, once per
 * changed record and cycle.
 */
export function hashText(text: string): number {
  start();
  mixString(text);
  return finish();
}

export function hashValue(value: unknown): number {
  start();
  mixValue(value);
  return finish();
}

let h1 = 0;
let h2 = 0;
const float = new Float64Array(1);
const floatWords = new Uint32Array(float.buffer);

function start(): void {
  h1 = 0xdeadbeef;
  h2 = 0x41c6ce57;
}

// The multipliers as int32 (the same bits): `Math.imul` then needs no conversion.
const M1 = 2654435761 | 0;
const M2 = 1597334677 | 0;

function mix(word: number): void {
  h1 = Math.imul(h1 ^ word, M1);
  h2 = Math.imul(h2 ^ word, M2);
}

/**
 * Two UTF-16 code units a step, in local variables, never reading past the end: reading past it
 * on odd lengths, or the module's variables in the loop, make this about 4 times slower.
 */
function mixString(text: string): void {
  const n = text.length;
  let a = Math.imul(h1 ^ n, M1);
  let b = Math.imul(h2 ^ n, M2);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const word = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    a = Math.imul(a ^ word, M1);
    b = Math.imul(b ^ word, M2);
  }
  if (i < n) {
    const word = text.charCodeAt(i);
    a = Math.imul(a ^ word, M1);
    b = Math.imul(b ^ word, M2);
  }
  h1 = a;
  h2 = b;
}

/** Each kind of value with a tag of its own, so `"1"` and `1`, `[]` and `{}` differ. */
function mixValue(value: unknown): void {
  if (typeof value === 'string') {
    mix(1);
    mixString(value);
  } else if (typeof value === 'number') {
    mix(2);
    float[0] = value;
    mix(floatWords[0]!);
    mix(floatWords[1]!);
  } else if (typeof value === 'boolean') mix(value ? 3 : 4);
  else if (value === undefined) mix(5);
  else if (value === null) mix(6);
  else if (value instanceof Date) {
    mix(7);
    mixValue(value.getTime());
  } else if (Array.isArray(value)) {
    mix(8);
    mix(value.length);
    for (const item of value) mixValue(item);
  } else if (typeof value === 'object') {
    mix(9);
    const record = value as Record<string, unknown>;
    for (const key in record) {
      mixString(key);
      mixValue(record[key]);
    }
  } else mix(10);
}

function finish(): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
