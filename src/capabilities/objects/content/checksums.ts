/**
 * The checksums an object store states for an object without sending its bytes (issue 78, tier 1):
 * a single-part ETag (the MD5 of the bytes), S3's `x-amz-checksum-*` of the whole object, and the
 * CRC64-ECMA headers of OSS, COS and OBS. Two sides are compared only on the same algorithm: a
 * multipart ETag (`…-N`), a composite S3 checksum (of the parts' checksums) and an unknown header
 * say nothing about the bytes, and a pair with no algorithm in common is not checked.
 */
export type Algorithm = 'sha256' | 'sha1' | 'md5' | 'crc64ecma' | 'crc64nvme' | 'crc32c' | 'crc32';

/** Strongest first: a pair is compared on the first algorithm both sides state. */
export const ALGORITHMS: readonly Algorithm[] = [
  'sha256',
  'sha1',
  'md5',
  'crc64ecma',
  'crc64nvme',
  'crc32c',
  'crc32',
];

export type Checksums = Partial<Record<Algorithm, string>>;

const MD5 = /^[0-9a-f]{32}$/i;

/** The ETag's MD5 when it is a single-part upload's, lower case; a multipart ETag never is. */
export function md5OfEtag(etag: string | undefined): string | undefined {
  const bare = etag?.replace(/^W\//, '').replace(/^"|"$/g, '');
  return bare && MD5.test(bare) ? bare.toLowerCase() : undefined;
}

const AMZ: Record<string, Algorithm> = {
  'x-amz-checksum-sha256': 'sha256',
  'x-amz-checksum-sha1': 'sha1',
  'x-amz-checksum-crc64nvme': 'crc64nvme',
  'x-amz-checksum-crc32c': 'crc32c',
  'x-amz-checksum-crc32': 'crc32',
};

const CRC64_HEADERS = ['x-oss-hash-crc64ecma', 'x-cos-hash-crc64ecma', 'x-obs-hash-crc64ecma'];

/** What a HEAD's headers (names lower case) state about the bytes, each value normalised. */
export function checksumsOf(headers: Readonly<Record<string, string | undefined>>): Checksums {
  const out: Checksums = {};
  const md5 = md5OfEtag(headers.etag);
  if (md5) out.md5 = md5;
  // A composite checksum is of the parts' checksums: equal bytes uploaded in other parts differ.
  const composite = headers['x-amz-checksum-type']?.toUpperCase() === 'COMPOSITE';
  for (const [name, algorithm] of Object.entries(AMZ)) {
    const value = headers[name]?.trim();
    if (!value || composite || value.includes('-') || !/^[A-Za-z0-9+/]+=*$/.test(value)) continue;
    out[algorithm] = value;
  }
  for (const name of CRC64_HEADERS) {
    const value = headers[name]?.trim();
    // Printed as an unsigned decimal; anything else is not read as one.
    if (value && /^\d{1,20}$/.test(value) && BigInt(value) < 2n ** 64n)
      out.crc64ecma = BigInt(value).toString();
  }
  return out;
}

/** The algorithm both sides state (the strongest), or undefined: the pair is not checked by it. */
export function commonAlgorithm(a: Checksums, b: Checksums): Algorithm | undefined {
  return ALGORITHMS.find((x) => a[x] !== undefined && b[x] !== undefined);
}
