/**
 * CRC-64/XZ, which Alibaba OSS, Tencent COS and Huawei OBS call CRC64-ECMA (ECMA-182's polynomial,
 * reflected, all ones in and out): "123456789" gives 0x995DC9BBDF1939FA. Not S3's CRC64NVME, a
 * different polynomial: the two are never compared. Kept in two 32-bit halves, as BigInt per byte
 * is too slow for a sampled object's bytes.
 */
const POLY = 0xc96c5795d7870f42n;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = BigInt(n);
  for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ POLY : c >> 1n;
  TABLE_HI[n] = Number(c >> 32n);
  TABLE_LO[n] = Number(c & 0xffffffffn);
}

/** A running CRC64-ECMA: `update` with each chunk, then `value` (unsigned, as OSS prints it in decimal). */
export class Crc64 {
  #hi = 0xffffffff;
  #lo = 0xffffffff;

  update(bytes: Uint8Array): this {
    let hi = this.#hi;
    let lo = this.#lo;
    for (let i = 0; i < bytes.length; i++) {
      const at = (lo ^ bytes[i]!) & 0xff;
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ TABLE_LO[at]!;
      hi = (hi >>> 8) ^ TABLE_HI[at]!;
    }
    this.#hi = hi >>> 0;
    this.#lo = lo >>> 0;
    return this;
  }

  value(): bigint {
    return (BigInt(~this.#hi >>> 0) << 32n) | BigInt(~this.#lo >>> 0);
  }
}

export function crc64(bytes: Uint8Array): bigint {
  return new Crc64().update(bytes).value();
}
