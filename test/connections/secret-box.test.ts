import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKey, parseKeyRing, SecretBox, SecretBoxError } from '../../src/crypto/secret-box.js';

const K1 = generateKey();
const K2 = generateKey();

describe('SecretBox (AES-256-GCM with a key ring)', () => {
  it('round-trips text, with a fresh IV each time and the key id in the record', () => {
    const box = SecretBox.fromKeyRing(`k1:${K1}`);
    const secret = 'hw-secret-key-ünïcödé-0001';
    const a = box.seal(secret, 'connection:T1:hw');
    const b = box.seal(secret, 'connection:T1:hw');
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret);
    expect(a.split('.')).toHaveLength(5);
    expect(a.startsWith('v1.k1.')).toBe(true);
    expect(Buffer.from(a.split('.')[2]!, 'base64url')).toHaveLength(12);
    expect(box.open(a, 'connection:T1:hw')).toBe(secret);
    expect(box.openJson(box.sealJson({ x: [1, 'two'] }))).toEqual({ x: [1, 'two'] });
  });

  it('rotates: the first key encrypts, older keys still decrypt, rewrap moves a value to the new key', () => {
    const old = SecretBox.fromKeyRing(`k1:${K1}`);
    const sealedWithK1 = old.seal('rotate-me-please', 'ctx');
    const rotated = SecretBox.fromKeyRing(`k2:${K2},k1:${K1}`);
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.open(sealedWithK1, 'ctx')).toBe('rotate-me-please');
    expect(rotated.needsRewrap(sealedWithK1)).toBe(true);
    expect(rotated.keyIdOf(rotated.seal('new', 'ctx'))).toBe('k2');
    const rewrapped = rotated.rewrap(sealedWithK1, 'ctx');
    expect(rotated.keyIdOf(rewrapped)).toBe('k2');
    expect(rotated.needsRewrap(rewrapped)).toBe(false);
    expect(rotated.rewrap(rewrapped, 'ctx')).toBe(rewrapped);
    // Once k1 is dropped, only rewrapped values still open.
    const onlyK2 = SecretBox.fromKeyRing(`k2:${K2}`);
    expect(onlyK2.open(rewrapped, 'ctx')).toBe('rotate-me-please');
    expect(() => onlyK2.open(sealedWithK1, 'ctx')).toThrow(
      /key "k1", which is not in MIGRATE_BOT_ENCRYPTION_KEYS/,
    );
  });

  it('detects tampering with the ciphertext, the tag, the IV, the key id or the context', () => {
    const box = SecretBox.fromKeyRing(`k2:${K2},k1:${K1}`);
    const sealed = box.seal('do-not-touch', 'connection:T1:hw');
    const parts = sealed.split('.');
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString('base64url');
    };
    for (const index of [2, 3, 4]) {
      const tampered = parts.map((p, i) => (i === index ? flip(p) : p)).join('.');
      expect(() => box.open(tampered, 'connection:T1:hw')).toThrow(SecretBoxError);
    }
    const relabelled = ['v1', 'k1', ...parts.slice(2)].join('.');
    expect(() => box.open(relabelled, 'connection:T1:hw')).toThrow(/failed authentication/);
    expect(() => box.open(sealed, 'connection:T2:hw')).toThrow(/failed authentication/);
    expect(() => box.open('not-a-record', 'x')).toThrow(/format/);
  });

  it('says which key id is missing, and the same id with another key fails authentication', () => {
    const sealed = SecretBox.fromKeyRing(`k9:${K1}`).seal('x-secret-value');
    expect(() => SecretBox.fromKeyRing(`k1:${K1}`).open(sealed)).toThrow(/"k9".*it has k1/);
    expect(() => SecretBox.fromKeyRing(`k9:${K2}`).open(sealed)).toThrow(/failed authentication/);
  });

  it('validates the key ring: ids, 32-byte keys, duplicates', () => {
    expect(parseKeyRing(`k1:${K1}`).problems).toEqual([]);
    expect(parseKeyRing(`k1:${randomBytes(32).toString('base64url')}`).problems).toEqual([]);
    expect(parseKeyRing(K1).problems[0]).toMatch(/<id>:<base64>/);
    expect(parseKeyRing(`k1:${randomBytes(16).toString('base64')}`).problems[0]).toMatch(/exactly 32 bytes/);
    expect(parseKeyRing(`k1:${K1},k1:${K2}`).problems[0]).toMatch(/used twice/);
    expect(parseKeyRing('k1:!!!').problems[0]).toMatch(/base64/);
    expect(() => SecretBox.fromKeyRing('')).toThrow(SecretBoxError);
  });
});
