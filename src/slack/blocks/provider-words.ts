import { ENGLISH, type MessageValues, type Translator } from '../../i18n/translator.js';

/**
 * A text a provider declares in English (a form label, a hint, a choice, a kind's name) in the
 * reader's language. Providers never see the catalogues, so the key is built here from the
 * provider's id and the field's. The translation is used only while the catalogue's English is
 * exactly what the provider says now: a reworded or computed text ("OMS lists no regions for AWS")
 * stays in the provider's English rather than showing a translation of something else.
 */
export function providerText(tr: Translator, key: string, english: string, values?: MessageValues): string {
  if (tr.locale === 'en' || !tr.has(key)) return english;
  return ENGLISH.t(key, values) === english ? tr.t(key, values) : english;
}

/** What `form.*` keys need of a create target (registry's `CreateTarget`). */
export interface FormTarget {
  provider: string;
  kind: string;
  label: string;
  title: string;
}

/** A create form's words in the reader's language: `form.<provider>.<part>.<id>`. */
export class FormWords {
  readonly tr: Translator;
  readonly #target: FormTarget;

  constructor(tr: Translator, target: FormTarget) {
    this.tr = tr;
    this.#target = target;
  }

  #text(part: string, english: string, values?: MessageValues): string {
    return providerText(this.tr, `form.${this.#target.provider}.${part}`, english, values);
  }

  /** "New OMS task" (a modal title: the catalogue keeps every language within 24 characters). */
  title(): string {
    return this.#text(`${this.#target.kind}.title`, this.#target.title);
  }

  /** "OMS migration task" */
  label(): string {
    return this.#text(`${this.#target.kind}.label`, this.#target.label);
  }

  /** The form's first lines; `english` is the provider's intro for the same connection. */
  intro(english: string, connectionCode: string): string {
    return this.#text(`${this.#target.kind}.intro`, english, { connection: connectionCode });
  }

  field(field: string, english: string): string {
    return this.#text(`field.${field}`, english);
  }

  /** `key`: which of the field's hints, when what it needs depends on another field (the task type). */
  hint(field: string, english: string | undefined, key?: string): string | undefined {
    if (english === undefined) return undefined;
    return this.#text(key === undefined ? `hint.${field}` : `hint.${field}.${key}`, english);
  }

  header(id: string | undefined, english: string): string {
    return id === undefined ? english : this.#text(`header.${id}`, english);
  }

  option(field: string, value: string, english: string): string {
    return this.#text(`option.${field}.${value}`, english);
  }

  /**
   * An approval summary's detail label ("Storage class") or value in words ("Same as source"). A
   * summary carries words, not field ids, so these are keyed by their English in kebab case.
   */
  summaryLabel(english: string): string {
    return this.#text(`summary.${kebab(english)}`, english);
  }

  summaryValue(english: string): string {
    return this.#text(`value.${kebab(english)}`, english);
  }
}

/** A catalogue key part from English words ("Storage class" → `storage-class`). */
export function kebab(english: string): string {
  return english.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** A create target's kind name ("OMS migration task") in the reader's language. */
export function kindLabel(tr: Translator, target: FormTarget): string {
  return new FormWords(tr, target).label();
}
