import { z } from 'zod';
import { RESOURCE_KINDS } from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import { providerIdSchema } from '../../providers/registry.js';
import { parseJsonOrUndefined } from '../../store/open-atomic-kv.js';

/**
 * The one codec of what modals carry in `private_metadata` (create, picker and connect modals).
 * What the create modals carry in `private_metadata`: where and for whom, never a secret and never
 * the form's values (Slack keeps those in `view.state`).
 */
const formMetadataSchema = z.strictObject({
  /** connection name */
  c: z.string().min(1).max(40),
  p: providerIdSchema,
  k: z.enum(RESOURCE_KINDS),
  /** channel the request was made in (absent from a global shortcut) */
  ch: z.string().max(40).optional(),
  /** requester */
  r: z.string().min(1).max(40),
});
const pickerMetadataSchema = z.strictObject({
  ch: z.string().max(40).optional(),
  r: z.string().min(1).max(40),
  /** What the form opens filled with (a capability's field), at most a few short values. */
  v: z.record(z.string().max(40), z.string().max(100)).optional(),
});

export interface FormMetadata {
  connection: string;
  provider: z.infer<typeof formMetadataSchema>['p'];
  kind: z.infer<typeof formMetadataSchema>['k'];
  channel?: string;
  requester: string;
}
export interface PickerMetadata {
  channel?: string;
  requester: string;
  values?: Record<string, string>;
}

export function encodeFormMetadata(m: FormMetadata): string {
  return JSON.stringify(
    formMetadataSchema.parse({ c: m.connection, p: m.provider, k: m.kind, ch: m.channel, r: m.requester }),
  );
}

export function decodeFormMetadata(raw: string | undefined): FormMetadata {
  const parsed = formMetadataSchema.safeParse(parseJsonOrUndefined(raw));
  if (!parsed.success) throw InvalidInputError.of('create.error.oldForm');
  const d = parsed.data;
  return { connection: d.c, provider: d.p, kind: d.k, channel: d.ch, requester: d.r };
}

export function encodePickerMetadata(m: PickerMetadata): string {
  return JSON.stringify(pickerMetadataSchema.parse({ ch: m.channel, r: m.requester, v: m.values }));
}

export function decodePickerMetadata(raw: string | undefined): PickerMetadata {
  const parsed = pickerMetadataSchema.safeParse(parseJsonOrUndefined(raw));
  if (!parsed.success) throw InvalidInputError.of('create.error.oldForm');
  const { ch, r, v } = parsed.data;
  return { channel: ch, requester: r, ...(v ? { values: v } : {}) };
}

/** The connect modal's metadata: only where the command was typed (never a secret). */
const connectMetadataSchema = z.object({
  v: z.literal(1),
  c: z.string().max(40).optional(),
  r: z.string().max(40).optional(),
});

export interface ConnectMetadata {
  channel?: string;
  /** The stored connection whose keys this form replaces ("Fix connection keys"). */
  replaces?: string;
}

export function encodeConnectMetadata(meta: ConnectMetadata): string {
  return JSON.stringify({ v: 1, c: meta.channel, ...(meta.replaces ? { r: meta.replaces } : {}) });
}

/** Lenient: a connect modal with unreadable metadata still works, it just has no channel. */
export function decodeConnectMetadata(raw: string | undefined): ConnectMetadata {
  const parsed = connectMetadataSchema.safeParse(parseJsonOrUndefined(raw));
  if (!parsed.success) return {};
  return { channel: parsed.data.c, ...(parsed.data.r ? { replaces: parsed.data.r } : {}) };
}
