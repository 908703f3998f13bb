import { z } from 'zod';
import type { ButtonsUnder, CapabilityButton } from '../../contract/card.js';
import {
  type MigrationResource,
  RESOURCE_KINDS,
  type ResourceKind,
} from '../../domain/migration-resource.js';
import { InvalidInputError } from '../../errors.js';
import type { Translator } from '../../i18n/translator.js';
import type { ProviderId } from '../../providers/provider-ids.js';
import { parseJsonOrUndefined } from '../../store/open-atomic-kv.js';
import { VERIFICATION } from './verification-fact.js';

/**
 * The finished run a verification post is about, the subject of the buttons others add under it
 * (the verification's extension point): `at` names the verification (a button that acts on it
 * carries it), `provider` whose run it is (absent on posts drawn from older records).
 */
export type VerifiedRun = Pick<MigrationResource, 'connection' | 'kind' | 'id' | 'state'> & {
  at: number;
  provider?: ProviderId;
};

/** A capability's buttons under the verification's post, as its `posts.under`. */
export function underVerification(
  buttons: (run: VerifiedRun, tr: Translator) => CapabilityButton[],
): Record<string, ButtonsUnder> {
  return { [VERIFICATION]: (subject, tr) => buttons(subject as VerifiedRun, tr) };
}

/**
 * Which verification a button under its post acts on: the watch (its channel and resource) and the
 * verification's `at`. The verification owns the post; the capabilities that add buttons under it
 * (a delta run, a bucket check, the evidence, keep in sync) read the run from here, not from it.
 */
export interface RunTarget {
  channel: string;
  connection: string;
  kind: ResourceKind;
  id: string;
  at: number;
}

/**
 * What a verification post's buttons (Sign off, Run changes since) carry: the resource and which
 * verification (its `at`); their modals carry the same with the post's channel.
 */
const valueSchema = z.object({
  c: z.string().min(1).max(40),
  k: z.enum(RESOURCE_KINDS),
  id: z.string().min(1).max(1024),
  at: z.number().int().nonnegative(),
});
const metadataSchema = valueSchema.extend({ ch: z.string().min(1).max(40) });

export function encodeVerificationButton(
  r: { connection: string; kind: ResourceKind; id: string },
  at: number,
): string {
  return JSON.stringify({ c: r.connection, k: r.kind, id: r.id, at });
}

/** The verification a button pressed in `channel` is about; a button it cannot read is refused. */
export function verificationTargetOf(value: string | undefined, channel: string | undefined): RunTarget {
  const parsed = valueSchema.safeParse(parseJsonOrUndefined(value));
  if (!parsed.success || !channel) throw InvalidInputError.of('error.oldButton');
  const { c, k, id, at } = parsed.data;
  return { channel, connection: c, kind: k, id, at };
}

/** The target as a modal's `private_metadata`, for its submission. */
export function verificationModalMetadata(t: RunTarget): string {
  return JSON.stringify({ c: t.connection, k: t.kind, id: t.id, at: t.at, ch: t.channel });
}

/** The target a modal came back with; undefined when its metadata is not one. */
export function verificationTargetFromModal(metadata: string | undefined): RunTarget | undefined {
  const parsed = metadataSchema.safeParse(parseJsonOrUndefined(metadata));
  if (!parsed.success) return undefined;
  const { c, k, id, at, ch } = parsed.data;
  return { channel: ch, connection: c, kind: k, id, at };
}
