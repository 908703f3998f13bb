import { ErrorCode } from '../errors.js';
import type { Locale } from '../i18n/locale.js';

/**
 * A provider's error codes, declared in its folder (`<id>/catalogue.ts`): what `/migrate explain`,
 * failure cards and next steps say about them. src/catalogue joins every registered provider's
 * catalogue; nothing there names a provider.
 */
export interface ProviderCatalogue {
  /** The service's own codes, as its documentation lists them: looked up before any gateway code. */
  serviceCodes?: readonly CatalogueText[];
  /** Codes the provider's API gateway or front end returns. */
  gatewayCodes?: readonly CatalogueText[];
  /** Each code's failure class (src/catalogue/code-classes.ts lists them), reviewed by hand. */
  classes: Readonly<Record<string, { class: string; reason?: string }>>;
  /**
   * Each entry in the other languages, keyed by code, or `code@status` when the code is listed under
   * several statuses. English is the entry itself (`catalogue/en.json` is the translators' source).
   */
  translations: Readonly<Partial<Record<Locale, Readonly<Record<string, EntryTexts>>>>>;
  /**
   * Another way people or the provider write its codes (`ncp:200`, `ERROR_FORBIDDEN`): the
   * catalogue's spelling of `upper` (trimmed, upper case), or undefined when it is not one.
   */
  normalise?(upper: string, known: (code: string) => boolean): string | undefined;
  /** Codes of this family that the catalogue lacks are said to be missing from the named one. */
  family?: { pattern: RegExp; catalogue: 'oms' };
  /**
   * Fixes that send the reader to a button of the provider's console ('Click "Restart"'), keyed like
   * `translations`: the bot has no such button, so the fix names the bot's own (or none).
   */
  consoleFixes?: Readonly<Record<string, ConsoleFix>>;
}

/**
 * A fix said with the bot's buttons. A surface that carries one of `actions` names it in `button`'s
 * words (`{button}` is its label); a surface without (`/migrate explain`, an error reply) says
 * `none`, which names no button at all.
 */
export interface ConsoleFix {
  /** The bot's actions that do what the console's button does, best first (`resume`, `retry`). */
  actions: readonly string[];
  texts: Readonly<Record<Locale, { button: string; none: string }>>;
}

export interface EntryTexts {
  message: string;
  description: string;
  solution: string;
}

export interface CatalogueText extends EntryTexts {
  code: string;
  httpStatus?: number;
}

/**
 * A code in one provider's own catalogue (case and surrounding space aside): the entry for the
 * response status, else the first. For provider code that explains its own errors without the
 * joined catalogue, which reaches back into every provider.
 */
export function ownEntry(
  catalogue: ProviderCatalogue,
  code: string | undefined,
  httpStatus?: number,
): CatalogueText | undefined {
  const upper = code?.trim().toUpperCase();
  if (!upper) return undefined;
  const entries = [...(catalogue.serviceCodes ?? []), ...(catalogue.gatewayCodes ?? [])].filter(
    (e) => e.code.toUpperCase() === upper,
  );
  return entries.find((e) => e.httpStatus === httpStatus) ?? entries[0];
}

/** The failure class of a code in one provider's own catalogue; `unknown` when it is not there. */
export function ownClass(catalogue: ProviderCatalogue, code: string | undefined): string {
  const entry = ownEntry(catalogue, code);
  return (entry && catalogue.classes[entry.code]?.class) ?? 'unknown';
}

/**
 * For `HttpClientOptions.classifyError`: a 401 or 403 whose code `catalogue` files under permissions
 * is a refused request (headlined as a permission, the keys kept), not rejected credentials. `key`
 * spells a code as sent the way the catalogue lists it (NCP sends `210` for `NCP.210`).
 */
export function permissionsRefuse(
  catalogue: ProviderCatalogue,
  key: (code: string) => string = (code) => code,
): (httpStatus: number, errorCode: string | undefined) => ErrorCode | undefined {
  return (httpStatus, errorCode) => {
    if (httpStatus !== 401 && httpStatus !== 403) return undefined;
    const code = errorCode?.trim();
    if (!code) return undefined;
    return ownClass(catalogue, key(code)) === 'permissions' ? ErrorCode.ProviderRequest : undefined;
  };
}
