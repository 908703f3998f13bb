import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type InstallURLOptions, InvalidStateError, type StateStore } from '@slack/oauth';
import { z } from 'zod';
import type { AtomicKv } from '../store/atomic-kv.js';

/** How long an install started at /slack/install may take to come back (Bolt's state cookie lives as long). */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

const payloadSchema = z.object({
  /** The nonce: what is spent, once, when the state comes back. */
  n: z.string().regex(/^[\w-]{22}$/),
  /** Valid until (epoch ms). */
  e: z.number().int(),
  /** The install options Bolt asked to keep (scopes, redirect URI): signed, so trusted on the way back. */
  o: z.looseObject({ scopes: z.union([z.string(), z.array(z.string())]) }),
});

/**
 * The OAuth `state` of each install started at /slack/install: a nonce and an expiry, signed with
 * SLACK_STATE_SECRET (HMAC-SHA256), so issuing one writes nothing: an anonymous visitor who opens
 * /slack/install again and again fills no store, and a visit that never comes back leaves no trace.
 * Its first redirect spends it by claiming its nonce in the shared state (`SET NX PX` on Redis)
 * until it expires, so a state used once, even with its cookie and another `code`, installs
 * nothing, on any replica. (Bolt's own signed state is accepted again and again until it expires.)
 */
export class SignedStateStore implements StateStore {
  readonly #key: Buffer;
  readonly #kv: AtomicKv;
  readonly #ttlMs: number;

  constructor(secret: string, kv: AtomicKv, ttlMs = OAUTH_STATE_TTL_MS) {
    // A key of its own, derived from the secret: a MAC made here is good for nothing else.
    this.#key = createHmac('sha256', secret).update('migrate-bot oauth state v1').digest();
    this.#kv = kv;
    this.#ttlMs = ttlMs;
  }

  async generateStateParam(installOptions: InstallURLOptions, now: Date): Promise<string> {
    const payload = {
      n: randomBytes(16).toString('base64url'),
      e: now.getTime() + this.#ttlMs,
      o: installOptions,
    };
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${encoded}.${this.#mac(encoded).toString('base64url')}`;
  }

  async verifyStateParam(now: Date, state: string): Promise<InstallURLOptions> {
    const payload = this.#signed(state);
    if (!payload) throw new InvalidStateError('The state parameter was not issued by this app.');
    // Valid through its expiry's millisecond; its claim lives as long, then goes with it.
    const left = payload.e - now.getTime();
    if (left < 0) throw new InvalidStateError('The state parameter has expired: start the install again.');
    // Single use: of two redirects racing with one state, only the one that claims its nonce goes on.
    if (!(await this.#kv.claim(`oauth-state:${payload.n}`, left + 1)))
      throw new InvalidStateError('The state parameter was already used.');
    return payload.o as InstallURLOptions;
  }

  /** The payload of a state this store signed, untouched since; undefined for anything else. */
  #signed(state: string): z.infer<typeof payloadSchema> | undefined {
    const [encoded, mac, extra] = state.split('.');
    if (!encoded || !mac || extra !== undefined) return undefined;
    const expected = this.#mac(encoded);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  #mac(encoded: string): Buffer {
    return createHmac('sha256', this.#key).update(encoded).digest();
  }
}
