import type { z } from 'zod';
import type { Connection, ConnectionAuth } from '../connections/connection.js';
import type { ResourceKind } from '../domain/migration-resource.js';
import type { Locale } from '../i18n/locale.js';
import type { FormResult } from './form-result.js';
import type { PreflightPlan } from './preflight-types.js';
import type { ProviderCatalogue } from './provider-catalogue.js';
import type { MigrationProvider, ProviderDeps } from './types.js';

/** A sentence from the provider's words (`words/<locale>.json`) in the reader's language. */
export type FormSay = (key: string, values?: Record<string, string | number>) => string;

/**
 * What a provider folder declares about itself, as data: how to connect (fields, sign-in methods,
 * documented hosts), what can be created from Slack (form fields, choices, validation and how
 * form values become a request) and how to build a client. Slack code renders any definition
 * generically; only `providers/<id>/` knows `<id>`. One entry in `registry.ts` adds a provider.
 */
export interface ProviderDefinition {
  id: string;
  /** "Huawei Cloud OMS": the connect form's provider choice. */
  label: string;
  /** "Huawei OMS": connection lists. */
  shortName: string;
  /** Words `/migrate create` takes for this provider besides its id ("oms", "hw"). */
  aliases?: readonly string[];
  /** The resource kinds it has, the first being the default. */
  kinds: readonly ResourceKind[];
  connect: ConnectDefinition;
  /** What can be created from Slack, one entry per kind (none: nothing is created from Slack). */
  createForms: readonly CreateFormDefinition[];
  create(connection: Connection, deps: ProviderDeps): MigrationProvider;
  /**
   * What the forms above say, in every language the bot speaks: `form.<id>.…` and `connect.<id>.…`
   * keys (Slack code looks them up by the provider's id and the field's), and the errors it refuses
   * input with, `error.<id>.…` (`providerWordsError`). Kept in the provider's folder
   * (`words/<locale>.json`); the translator reads them through the registry.
   */
  words?: ProviderWords;
  /** Its error codes with their explanations, classes and translations (`catalogue.ts`). */
  catalogue?: ProviderCatalogue;
  /**
   * The kinds whose succeeded run can be followed by a delta run (`nextRun` on the
   * provider), and what it is: only the objects changed `since` the last run started, the whole
   * source `again` as a new resource, or the resource `restart`ed. Offered on the verification post.
   */
  reruns?: { kinds: readonly ResourceKind[]; what: 'since' | 'again' | 'restart' };
  /**
   * Its migrations run to their end once started: no pause, no resume, and states only (no bytes or
   * objects). A plan's Pause names them as what it cannot pause, and its card says it has states only.
   */
  runsToEnd?: boolean;
}

/** A provider's own message catalogue, per language; its keys start `form.<id>.`, `connect.<id>.` or `error.<id>.`. */
export type ProviderWords = Readonly<Record<Locale, Readonly<Record<string, string>>>>;

// ----- connecting ------------------------------------------------------------------------------------

/** A documented host pattern: typed endpoints must match it unless an admin allow-listed them. */
export interface EndpointRule {
  pattern: RegExp;
  example: string;
  /** Pre-filled in the connect form. */
  default?: string;
  /** "Huawei IAM", in "… is not a Huawei IAM host". Defaults to the provider id. */
  name?: string;
}

export type AuthType = ConnectionAuth['type'];

/** How a connect field is checked beyond "required". */
export type ConnectCheck =
  | { type: 'pattern'; pattern: RegExp; message: string }
  /** At least `min` characters, no spaces. */
  | { type: 'secret'; min: number }
  /** Letters and digits, 8 to 128. */
  | { type: 'access-key-id' }
  /** Another endpoint of the provider (the IAM endpoint): checked against `connect.iamEndpoint`. */
  | { type: 'iam-endpoint' };

export interface ConnectField {
  /** Where the value goes: a `Connection` property (`projectId`) or, in an auth choice, an auth property. */
  key: string;
  /** Block id in the connect modal; shared ids keep typed text across redraws. */
  block: string;
  label: string;
  /** "project id", in "Enter the project id." */
  what: string;
  placeholder?: string;
  hint?: string;
  maxLength?: number;
  optional?: boolean;
  /** Never pre-filled, registered for scrubbing. */
  secret?: boolean;
  /** Not secret but still never pre-filled when the form is redrawn (an access key id). */
  noPrefill?: boolean;
  initial?: string;
  check?: ConnectCheck;
}

export interface AuthChoiceDefinition {
  type: AuthType;
  label: string;
  fields: readonly ConnectField[];
}

export interface ConnectDefinition {
  endpoint: EndpointRule;
  /** A second host the provider signs in at (Huawei IAM). */
  iamEndpoint?: EndpointRule;
  /** Connection-level fields (project id, region, service id), in form order. */
  fields: readonly ConnectField[];
  /** The first is the default; a select is shown only when there is more than one. */
  authChoices: readonly AuthChoiceDefinition[];
  /** Which storage credentials the provider uses: the destination too, a Google JSON key for the source. */
  storage: { destination: boolean; serviceAccountJson: boolean };
  /** Connection properties a connections-file entry must have (`projectId`). */
  fileRequires?: readonly string[];
  /** The field an HTTP 404 on the connection test points at (a wrong project id). */
  notFoundField?: string;
}

// ----- creating --------------------------------------------------------------------------------------

/** A form's values by field name, trimmed; empty inputs are absent. */
export type FormValues = Partial<Record<string, string>>;

export interface FieldCommon {
  field: string;
  label: string;
  hint?: string;
  /** Which of the field's hints `hint` is (`hint.<field>.<hintKey>` in the words), when it has several. */
  hintKey?: string;
  optional?: boolean;
  initial?: string;
  /**
   * `initial` is what the other choices require (URLSource for a URL list): shown whatever was picked
   * before. Pair it with a new `variant`, so Slack drops the old pick too.
   */
  pinned?: boolean;
  /** Part of the block id (`src_region.AWS`): a new variant makes Slack drop what was picked before. */
  variant?: string;
}

/** The small vocabulary create forms are written in; Slack renders each item generically. */
export type FormItem =
  | ({ type: 'text'; placeholder?: string; multiline?: boolean; maxLength?: number } & FieldCommon)
  | ({
      type: 'select';
      options: readonly { value: string; text: string }[];
      /** Picking another option redraws the form (keeping typed values, dropping `clears`). */
      redraw?: { clears: readonly string[] };
    } & FieldCommon)
  /** Options listed by the provider's `listBuckets` as the user types. */
  | ({ type: 'bucket' } & FieldCommon)
  /** Traffic-limiting windows, one per line in the shared bandwidth grammar. */
  | ({ type: 'bandwidth' } & FieldCommon)
  /** `id` names the header for other languages (Slack looks its words up by provider and id). */
  | { type: 'header'; id?: string; text: string };

export interface FormContext {
  connection: Connection;
  /** What `load` returned (undefined without `load`). */
  data: unknown;
  /** Values already typed, kept when the form is redrawn. */
  values: FormValues;
}

/** Where `listBuckets` looks, read from the form, or why it cannot look yet. */
export type BucketQueryResult = { ok: true; query: BucketQuery } | { ok: false; message: string };

export interface BucketQuery {
  /** The source cloud the buckets are on. */
  cloud: string;
}

export interface CreateFormDefinition {
  kind: ResourceKind;
  /** "OMS migration task" */
  label: string;
  /** Modal title, at most 24 characters. */
  title: string;
  /** The first lines of the form (mrkdwn; the connection name is already escaped and quoted). */
  intro(connectionCode: string): string;
  /** Provider calls the form needs (choices), made while a "Loading…" modal shows. */
  load?(provider: MigrationProvider, connection: Connection): Promise<unknown>;
  items(context: FormContext): FormItem[];
  /** Every form field with its label (fuzzing and error messages). */
  labels: Readonly<Record<string, string>>;
  /** The form's values → the provider's create request, or one message per field. */
  toRequest(values: FormValues): FormResult;
  /** The provider's own create schema: what an approval stores and the provider creates from. */
  schema: z.ZodType;
  /**
   * What the provider can tell an approver before anything runs (size, cap, limits, warnings the
   * form alone shows): `preflight-types.ts`. The bot bounds its calls with a deadline.
   */
  preflight?(request: Record<string, unknown>, connection: Connection): PreflightPlan;
  /** A check that needs the provider (do these prefixes exist?): field → problem, in `say`'s words. */
  check?(
    provider: MigrationProvider,
    request: Record<string, unknown>,
    say: FormSay,
  ): Promise<Record<string, string>>;
  /** For a `bucket` item: where to list buckets, from the values typed so far. */
  bucketQuery?(values: FormValues): BucketQueryResult;
  summarize(request: Record<string, unknown>): CreateSummary;
  /** What the guardrails' rules read of a request (raw values; undefined: not said). */
  facts?(request: Record<string, unknown>): CreateFacts;
}

/**
 * What a request would move, as requests stored before the pre-flight kept it (`impact`): still read,
 * and shown as the pre-flight's size.
 */
export interface CreateImpact {
  objects: number;
  bytes: number;
  prefixes: number;
  /** Everything under the prefixes was read and every size understood (else: "at least"). */
  complete: boolean;
  /** The highest bandwidth limit of the request's windows, bytes per second. */
  bandwidth?: number;
}

/** What a request will create, in words, for the approval message. Values are raw (escape to show). */
export interface CreateSummary {
  what: string;
  /** The resource's name or description, when it has one. */
  name?: string;
  source: string;
  destination: string;
  /** Objects or prefixes, when the request lists some. */
  objects?: { shown: string[]; more: number };
  details: { label: string; value: string }[];
}

/** Where a request moves data and how, raw and provider-neutral (`CreateFormDefinition.facts`). */
export interface CreateFacts {
  destinationRegion?: string;
  sourceBucket?: string;
  sourcePrefix?: string;
  destinationBucket?: string;
  destinationPrefix?: string;
  /** The provider's own overwrite mode (OMS `object_overwrite_mode`). */
  overwrite?: string;
}

export type * from './preflight-types.js';
export type { FormResult };
