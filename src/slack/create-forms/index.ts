import type { ResourceKind } from '../../domain/migration-resource.js';
import { ENGLISH, type MessageValues, type Translator } from '../../i18n/translator.js';
import type { FormValues } from '../../providers/definition.js';
import type { FieldWords, FormResult } from '../../providers/form-result.js';
import type { ProviderId } from '../../providers/provider-ids.js';
import { createTarget } from '../../providers/registry.js';
import { FormWords } from '../blocks/provider-words.js';

export type { FormResult } from '../../providers/form-result.js';

/**
 * The create modal's values → the provider's create request, or per-field errors (the provider
 * decides), each in the reader's language where the provider said it with a catalogue key.
 */
export function requestFromForm(
  provider: ProviderId,
  kind: ResourceKind,
  values: FormValues,
  tr: Translator = ENGLISH,
): FormResult {
  const target = createTarget(provider, kind);
  const result = target.toRequest(values);
  if (result.ok || tr.locale === 'en' || !result.words) return result;
  const words = new FormWords(tr, target);
  const errors = Object.fromEntries(
    Object.entries(result.errors).map(([field, english]) => {
      const said = result.words?.[field];
      return [field, said ? inWords(words, field, english, said) : english];
    }),
  );
  return { ok: false, errors };
}

/**
 * One field's message in the reader's words. The common problems (`create.field.*`, `create.bucket.*`)
 * are named from the problem itself, whatever the schema's English; a provider's own sentence
 * (`form.<id>.error.*`) is used only while its English is what the provider says now (as for
 * labels: never a translation of something else).
 */
function inWords(words: FormWords, field: string, english: string, said: FieldWords): string {
  const { tr } = words;
  if (!tr.has(said.key)) return english;
  const values: MessageValues = { ...said.values };
  if (said.key.startsWith('form.') && ENGLISH.t(said.key, values) !== english) return english;
  if (typeof values.label === 'string') values.label = words.field(field, values.label);
  if (said.option && typeof values.type === 'string')
    values.type = words.option(said.option.field, said.option.value, values.type);
  return tr.t(said.key, values);
}
