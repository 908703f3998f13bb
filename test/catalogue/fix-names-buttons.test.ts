import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/capabilities/registry.js';
import { allCatalogueEntries, type CatalogueEntry, explainForDisplay } from '../../src/catalogue/explain.js';
import type { MigrationResource, ResourceKind } from '../../src/domain/migration-resource.js';
import { LOCALES, type Locale } from '../../src/i18n/locale.js';
import { MESSAGES, type Translator, translatorFor } from '../../src/i18n/translator.js';
import { PoolRegistry } from '../../src/providers/http/http-client.js';
import type { ProviderId } from '../../src/providers/provider-ids.js';
import { createProvider, providerDefinition, providerDefinitions } from '../../src/providers/registry.js';
import type { ResourceAction } from '../../src/providers/types.js';
import { drawnOnCard } from '../../src/slack/blocks/capability-drawing.js';
import { renderFailureExplanation } from '../../src/slack/blocks/failure-explanation.js';
import { renderResourceCard } from '../../src/slack/blocks/resource-card.js';
import { renderEventReply } from '../../src/slack/blocks/watch-notifications.js';
import { startedForReading } from '../harness/started-capabilities.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { placeholderConnection } from '../helpers/placeholder-connection.js';

/**
 * Issue 51 item 1: a fix never names a button its surface does not carry. Every catalogue code of
 * every registered provider, in every language, on every surface a failure is told on: the failure post
 * and the card of each kind that fails (with the actions its provider offers a failed one), the
 * card an admin reads (the key form), `/migrate explain` and an error reply (no buttons at all).
 */

/** The bot's own button labels in a language, and the console buttons catalogues name (OMS's Restart). */
function buttonNames(locale: Locale): string[] {
  const m = MESSAGES[locale];
  const own = Object.entries(m)
    .filter(([key]) => /^(action\.[a-z]+|button\.[a-zA-Z]+|claim\.(take|handBack)|list\.open)$/.test(key))
    .map(([, text]) => text);
  return [...new Set([...own, 'Restart', '重启'])];
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The button names a text refers to as buttons: quoted ("Restart", “继续”), bold, after a verb of
 * pressing (click, press, 클릭, 눌러, 单击, 点击), or before the word button (버튼, 按钮). A plain verb
 * ("Pause the task", "delete it") is an instruction, not a button's name.
 */
function namedButtons(text: string, names: readonly string[]): string[] {
  return names.filter((name) => {
    const n = literal(name);
    return [
      new RegExp(`["“'‘「]${n}["”'’」]`),
      new RegExp(`\\*${n}\\*`),
      new RegExp(`\\b(?:click|press|tap)\\s+(?:the\\s+)?${n}(?![\\p{L}])`, 'iu'),
      new RegExp(`${n}\\s*(?:button|버튼|按钮)`, 'i'),
      new RegExp(`${n}\\s*(?:을|를)?\\s*(?:클릭|누르|눌러)`),
      new RegExp(`(?:单击|点击|按下)\\s*${n}`),
    ].some((re) => re.test(text));
  });
}

interface Surface {
  name: string;
  kind: ResourceKind;
  rawStatus: string;
  actions: ResourceAction[];
}

/**
 * The provider's raw status of a failed resource, where its actions read more than the state (an OMS
 * task group offers Retry failed objects on its status 5). Any other kind is drawn with `failed`.
 */
const RAW_FAILED: Readonly<Record<string, Readonly<Partial<Record<ResourceKind, string>>>>> = {
  'huawei-oms': { task: '4', 'task-group': '5' },
};

const pools = new PoolRegistry();
const { logger } = captureLogger('fatal');

/** A failed resource of each kind a registered provider has, with the actions its provider offers it. */
function surfacesFor(provider: ProviderId): Surface[] {
  const client = createProvider(placeholderConnection(provider), { pools, logger });
  return providerDefinition(provider).kinds.map((kind) => {
    const surface = {
      name: kind.replace('-', ' '),
      kind,
      rawStatus: RAW_FAILED[provider]?.[kind] ?? 'failed',
    };
    return { ...surface, actions: client.actionsFor(failed(provider, undefined, surface)) };
  });
}

function failed(
  provider: ProviderId,
  code: string | undefined,
  surface: Omit<Surface, 'actions'>,
): MigrationResource {
  return {
    provider,
    connection: 'conn-a',
    kind: surface.kind,
    id: '191297407830874',
    name: 'nightly-copy',
    state: 'failed',
    rawStatus: surface.rawStatus,
    progress: 0.4,
    bytes: { done: 4, total: 10 },
    objects: { done: 40, failed: 2, total: 100 },
    source: { bucket: 'src' },
    destination: { bucket: 'dst' },
    lastError: { code, message: 'The provider said so.' },
  };
}

type Message = { blocks: { type: string; text?: { text: string }; elements?: unknown[] }[] };

/** The labels of a message's buttons. */
function labelsOf(message: Message): string[] {
  return message.blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements as { type: string; text: { text: string } }[])
    .filter((e) => e.type === 'button')
    .map((e) => e.text.text);
}

/** The fix lines of a message (with the English beside a translated one). */
function fixLines(message: Message, tr: Translator): string[] {
  const fix = tr.t('failure.fix', { text: '' }).trim();
  const english = tr.t('failure.english', { text: '' }).trim();
  const lines = message.blocks.flatMap((b) =>
    b.type === 'section' && b.text ? b.text.text.split('\n') : [],
  );
  return lines.filter(
    (line, i) => line.startsWith(fix) || (line.startsWith(english) && lines[i - 1]?.startsWith(fix)),
  );
}

/** What the bot's capabilities add to a failure's buttons (I'm on it). */
const DRAWING = startedForReading(CAPABILITIES);

/** Every surface an entry's failure is told on, in `locale`: its buttons and its fix lines. */
function surfacesOf(
  entry: CatalogueEntry,
  locale: Locale,
): { where: string; labels: string[]; fixes: string[] }[] {
  const tr = translatorFor(locale);
  const out: { where: string; labels: string[]; fixes: string[] }[] = [];
  for (const surface of surfacesFor(entry.provider)) {
    const r = failed(entry.provider, entry.code, surface);
    const post = renderEventReply(
      {
        kind: 'event',
        event: 'failed',
        resource: r,
        actions: surface.actions,
        run: 0,
        at: Date.UTC(2026, 10, 1),
      },
      tr,
      DRAWING,
    ) as Message;
    out.push({ where: `${surface.name} post`, labels: labelsOf(post), fixes: fixLines(post, tr) });
    for (const canFixConnection of [false, true]) {
      const card = {
        blocks: renderResourceCard(r, surface.actions, {
          tr,
          canFixConnection,
          now: Date.now(),
          ...drawnOnCard(DRAWING, undefined, tr, r),
        }),
      } as Message;
      const who = canFixConnection ? "an admin's" : 'a';
      out.push({ where: `${who} ${surface.name} card`, labels: labelsOf(card), fixes: fixLines(card, tr) });
    }
  }
  const reference = renderFailureExplanation({
    code: entry.code,
    httpStatus: entry.httpStatus,
    reference: true,
    tr,
  });
  out.push({ where: '/migrate explain', labels: [], fixes: fixLines(reference as Message, tr) });
  const reply = explainForDisplay(entry.code, entry.httpStatus, locale);
  out.push({ where: 'an error reply', labels: [], fixes: [reply.solution ?? ''] });
  return out;
}

describe('a fix names only the buttons beside it', () => {
  const entries = allCatalogueEntries();

  it('the check finds the console button the catalogue itself names, in every language', () => {
    // The catalogue as written (seed 002 §6.2 and its translations), before the bot rewords it.
    const written = (code: string, locale: Locale) => {
      const oms = providerDefinitions().find((d) => d.id === 'huawei-oms')!.catalogue!;
      if (locale === 'en') return oms.serviceCodes!.find((e) => e.code === code)!.solution;
      return oms.translations[locale]![code]!.solution;
    };
    for (const locale of LOCALES) {
      expect(namedButtons(written('TRF.0001', locale), buttonNames(locale)), locale).toEqual(['Restart']);
      expect(namedButtons(written('TRF.0003', locale), buttonNames(locale)), locale).toEqual(['Restart']);
      // An instruction with a verb is not a button's name.
      expect(namedButtons(written('OMS.0063', locale), buttonNames(locale)), locale).toEqual([]);
    }
  });

  it.each(LOCALES)('%s: on every surface of every code', (locale) => {
    const wrong: string[] = [];
    let checked = 0;
    const names = [...new Set([...buttonNames(locale), ...buttonNames('en')])];
    for (const entry of entries) {
      for (const { where, labels, fixes } of surfacesOf(entry, locale)) {
        for (const fix of fixes) {
          checked++;
          const absent = namedButtons(fix, names).filter((name) => !labels.includes(name));
          if (absent.length > 0) wrong.push(`${entry.code} ${where}: ${fix} (names ${absent.join(', ')})`);
        }
      }
    }
    expect(wrong).toEqual([]);
    // Every entry has a fix on most surfaces: the walk really looked at them.
    expect(checked).toBeGreaterThan(entries.length * 4);
  });

  it('says the console’s Restart with the surface’s own button, or with none', () => {
    const trf = entries.find((e) => e.code === 'TRF.0001')!;
    const said = (locale: Locale, where: string) =>
      surfacesOf(trf, locale).find((s) => s.where === where)!.fixes[0];
    expect(said('en', 'task post')).toBe('*Fix:* Press Resume to restart the migration task.');
    expect(said('en', 'task group post')).toBe(
      '*Fix:* Press Retry failed objects to restart the migration task.',
    );
    expect(said('en', '/migrate explain')).toBe('*Fix:* Restart the migration task.');
    expect(said('en', 'an error reply')).toBe('Restart the migration task.');
    expect(said('ko', 'task post')).toBe(
      '*해결 방법:* 재개 버튼을 눌러 마이그레이션 작업을 다시 시작하십시오.',
    );
    expect(said('zh-CN', 'task post')).toBe('*解决方法：* 请单击“继续”重新启动迁移任务。');
    expect(said('zh-CN', '/migrate explain')).toBe('*解决方法：* 请重新启动迁移任务。');
  });
});
