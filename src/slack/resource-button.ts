import { z } from 'zod';
import { RESOURCE_KINDS, type ResourceKind } from '../domain/migration-resource.js';
import { InvalidInputError } from '../errors.js';
import { parseJsonOrUndefined } from '../store/open-atomic-kv.js';

/** What a card's buttons carry: where the resource lives, never any credential. */
const buttonValueSchema = z.object({
  c: z.string().min(1).max(40),
  k: z.enum(RESOURCE_KINDS),
  id: z.string().min(1).max(1024),
});

export interface ButtonTarget {
  connection: string;
  kind: ResourceKind;
  id: string;
}

export function encodeResourceButton(r: { connection: string; kind: ResourceKind; id: string }): string {
  return JSON.stringify({ c: r.connection, k: r.kind, id: r.id });
}

export function decodeResourceButton(value: string | undefined): ButtonTarget {
  const parsed = buttonValueSchema.safeParse(parseJsonOrUndefined(value));
  if (!parsed.success) throw InvalidInputError.of('error.oldButton');
  return { connection: parsed.data.c, kind: parsed.data.k, id: parsed.data.id };
}
