import { z } from 'zod';
import { RESOURCE_KINDS } from '../../domain/migration-resource.js';
import { providerIdSchema } from '../../providers/registry.js';
import { preflightRecordSchema } from '../preflight-record.js';

/** `cancelled`: approved with a start time, and its start called off before it was due. */
export const APPROVAL_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'expired',
  'failed',
  'cancelled',
] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

const isoDate = z.iso.datetime();
/** The longest reason a rejection keeps (the modal's field allows as much). */
export const REASON_MAX = 500;
const slackId = z.string().min(1).max(40);
/** A Slack message: its channel, its ts, and its link when Slack gave one. */
const postRef = z.strictObject({
  channel: slackId,
  ts: z.string().min(1).max(40),
  permalink: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
});

/**
 * One request to create a migration, from the modal's submission to its decision. `request` is the
 * provider's validated create request: it never holds a key (the provider schemas refuse key fields;
 * keys come from the connection when the resource is created).
 */
export const approvalRecordSchema = z.strictObject({
  id: z.string().regex(/^[a-f0-9]{10}$/),
  team: slackId,
  requester: slackId,
  /** Where the request was made: the resource card and the requester's notices go there. */
  channel: slackId,
  connection: z.string().min(1).max(40),
  provider: providerIdSchema,
  kind: z.enum(RESOURCE_KINDS),
  request: z.record(z.string(), z.unknown()),
  status: z.enum(APPROVAL_STATUSES),
  createdAt: isoDate,
  expiresAt: isoDate,
  decidedBy: slackId.optional(),
  decidedAt: isoDate.optional(),
  /** The approval request message (in the approvals channel), and its link when Slack gave one. */
  message: postRef.optional(),
  /** Why the approver rejected it, as they typed it (the requester is told). */
  reason: z.string().min(1).max(REASON_MAX).optional(),
  /**
   * When the job is to be created (the modal's "Start at"): approved before then, the request waits
   * in the scheduled index and the watcher's cycle creates it once when due (`scheduled-start.ts`).
   */
  startAt: isoDate.optional(),
  /** When a scheduled start was taken (later than `startAt` by more than a few minutes: started late). */
  startedAt: isoDate.optional(),
  /** Who called off a scheduled start (the requester or an admin), and when. */
  cancelledBy: slackId.optional(),
  cancelledAt: isoDate.optional(),
  /**
   * More than one approver, as a capability's check said when the request was made (a guardrail):
   * how many distinct people, none the requester; `votes` are those counted so far.
   */
  needs: z
    .strictObject({
      rule: z.string().min(1).max(64),
      approvers: z.number().int().min(2).max(10),
      group: z.string().max(40).optional(),
      ticket: z.string().max(100).optional(),
    })
    .optional(),
  /** The change ticket a rule required, found in the request's name (shown on it and audited). */
  ticket: z.string().min(1).max(100).optional(),
  /** What the capabilities' rules decided when it was asked, for its pre-flight line (catalogue words). */
  policy: z
    .strictObject({
      key: z.string().min(1).max(100),
      values: z.record(z.string().max(40), z.union([z.string().max(300), z.number()])),
    })
    .optional(),
  votes: z
    .array(z.strictObject({ by: slackId, at: isoDate }))
    .max(10)
    .optional(),
  resourceId: z.string().min(1).max(1024).optional(),
  resourceName: z.string().max(1024).optional(),
  /**
   * Asked from a Workflow Builder step: the step's execution, completed when the request is decided
   * (created → success with the new id; failed, rejected or expired → error).
   */
  workflowStep: z.strictObject({ executionId: z.string().min(1).max(64) }).optional(),
  /**
   * Asked through the HTTP API with this token (its name): `requester` is the person who made the
   * token, so the two-person rule, the audit and the approvers all see that person.
   */
  viaToken: z.string().min(1).max(64).optional(),
  /** What the bot found out before anything runs (size, time, running migrations, warnings, cost). */
  preflight: preflightRecordSchema.optional(),
  /** How much it would move, as requests stored before the pre-flight kept it (read as its size). */
  impact: z
    .strictObject({
      objects: z.number().int().min(0),
      bytes: z.number().min(0),
      prefixes: z.number().int().min(0),
      complete: z.boolean(),
      bandwidth: z.number().positive().optional(),
    })
    .optional(),
  /**
   * A delta run: the `n`th run after the one of `of` that succeeded, in the chain named by
   * `root`. `new`: the request makes a new resource; `restart`: approving starts `of` again. `since`
   * (ms since the epoch): only objects changed after it move. `thread`: the card of the run it
   * follows, where the chain is told.
   */
  rerun: z
    .strictObject({
      mode: z.enum(['new', 'restart']),
      n: z.number().int().min(1).max(100_000),
      of: z.strictObject({
        kind: z.enum(RESOURCE_KINDS),
        id: z.string().min(1).max(1024),
        name: z.string().max(1024),
      }),
      root: z.string().min(1).max(1200),
      since: z.number().int().min(0).optional(),
      /**
       * A retry of what a run did not bring over, numbered apart from the deltas ("retry n"):
       * `list`, the objects a list file names; `prefix`, everything under one source prefix again
       * (a provider that takes no list of objects). `objects`: how many were found wanting.
       */
      retry: z
        .strictObject({
          what: z.enum(['list', 'prefix']),
          objects: z.number().int().min(0).optional(),
          prefix: z.string().max(1024).optional(),
        })
        .optional(),
      thread: postRef.optional(),
    })
    .optional(),
  /** Why creating failed, as the provider said it (scrubbed of any known secret). */
  failure: z
    .strictObject({
      message: z.string().max(1000),
      provider: z.string().max(40).optional(),
      operation: z.string().max(200).optional(),
      httpStatus: z.number().int().optional(),
      errorCode: z.string().max(100).optional(),
      requestId: z.string().max(200).optional(),
      /** The provider took the request but did not say what it made: it may have been created. */
      outcomeUnknown: z.boolean().optional(),
      /** The bot's own message by catalogue key, rendered in each reader's language (`message` is English). */
      localized: z
        .strictObject({
          key: z.string().max(100),
          values: z.record(z.string().max(40), z.union([z.string().max(200), z.number()])).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type ApprovalRecord = z.infer<typeof approvalRecordSchema>;
