// Slack's mrkdwn as DOM nodes. Never parsed as HTML: text only as text nodes, links only http(s)/mailto.

import { EMOJI, FALLBACK } from './emoji.js';

/** Whether this browser draws emoji in colour (drawn on a canvas: a missing glyph comes out grey). */
const colourEmoji = (() => {
  try {
    const canvas = document.createElement('canvas');
    canvas.width = 24;
    canvas.height = 24;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.font = '20px "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", sans-serif';
    context.textBaseline = 'top';
    context.fillText('✅', 0, 0);
    const pixels = context.getImageData(0, 0, 24, 24).data;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] > 0 && Math.abs(pixels[i] - pixels[i + 1]) > 40) return true;
    }
  } catch {
    // No canvas: assume the platform has emoji.
    return true;
  }
  return false;
})();

/** One `:name:` shortcode as a node: the emoji, a drawn fallback, or the shortcode as typed. */
function emojiNode(name) {
  const node = el('span', 'emoji');
  node.title = `:${name}:`;
  const fallback = FALLBACK[name];
  if (colourEmoji || !fallback) {
    node.textContent = colourEmoji ? (EMOJI[name] ?? `:${name}:`) : `:${name}:`;
    return node;
  }
  const [glyph, colour, box] = fallback;
  node.classList.add('emoji-drawn', `emoji-${colour}`);
  if (box) node.classList.add('emoji-box');
  node.textContent = glyph;
  node.setAttribute('role', 'img');
  node.setAttribute('aria-label', name.replaceAll('_', ' '));
  return node;
}

/** Text with its known `:shortcodes:` turned into emoji nodes. */
function withEmoji(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(/:([a-z0-9_+'-]+):/g)) {
    if (!EMOJI[match[1]]) continue;
    fragment.append(text.slice(last, match.index), emojiNode(match[1]));
    last = match.index + match[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

const MARKERS = { '*': 'strong', _: 'em', '~': 's' };
/** A marker opens only at the start, after a space or after one of these. */
const OPEN_AFTER = new Set([
  ' ',
  '\t',
  '\n',
  '(',
  '[',
  '{',
  '"',
  "'",
  '-',
  '/',
  '>',
  '*',
  '_',
  '~',
  '“',
  '‘',
]);
/** …and closes only at the end, before a space or before one of these. */
const CLOSE_BEFORE = new Set([
  ' ',
  '\t',
  '\n',
  '.',
  ',',
  ';',
  ':',
  '!',
  '?',
  ')',
  ']',
  '}',
  '"',
  "'",
  '-',
  '/',
  '*',
  '_',
  '~',
  '”',
  '’',
]);

/** Slack escapes exactly these three in message text. */
export function decodeEntities(text) {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

/** A plain_text object: no formatting, emoji shortcodes only when it asks for them. */
export function renderPlainText(text, emoji = true) {
  return emoji ? withEmoji(text) : document.createTextNode(text);
}

/**
 * Renders mrkdwn: ```pre```, `code`, *bold*, _italic_, ~strike~, > quotes, <url|links>,
 * <@U…> mentions (shown as @name), <#C…> channels (shown as #name), <!here>, <!date^…> (in the
 * reader's time zone) and :emoji:. `users` maps user and channel ids to their names.
 */
export function renderMrkdwn(text, users = new Map()) {
  const fragment = document.createDocumentFragment();
  const parts = String(text).split('```');
  // An unclosed fence is just three backticks.
  if (parts.length % 2 === 0) parts.splice(-2, 2, `${parts.at(-2)}\`\`\`${parts.at(-1)}`);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      const pre = el('pre', 'mrkdwn-pre');
      pre.textContent = decodeEntities(part.replace(/^\n/, '').replace(/\n$/, ''));
      fragment.append(pre);
      return;
    }
    const lines = (i > 0 ? part.replace(/^\n/, '') : part).split('\n');
    if (i < parts.length - 1 && lines.at(-1) === '') lines.pop();
    appendLines(fragment, lines, users);
  });
  return fragment;
}

function appendLines(parent, lines, users) {
  let quote;
  let previousWasLine = false;
  for (const line of lines) {
    const quoted = /^(>|&gt;)\s?/.exec(line);
    if (quoted) {
      if (!quote) {
        quote = el('blockquote', 'mrkdwn-quote');
        parent.append(quote);
      } else {
        quote.append(el('br'));
      }
      quote.append(...inline(line.slice(quoted[0].length), users));
      previousWasLine = false;
      continue;
    }
    quote = undefined;
    if (previousWasLine) parent.append(el('br'));
    parent.append(...inline(line, users));
    previousWasLine = true;
  }
}

/** Inline mrkdwn to nodes; code spans and <…> tokens are atomic, emphasis nests. */
function inline(text, users) {
  const nodes = [];
  let buffer = '';
  const flush = () => {
    if (buffer) nodes.push(document.createTextNode(decodeEntities(buffer)));
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        const code = el('code', 'mrkdwn-code');
        code.textContent = decodeEntities(text.slice(i + 1, end));
        nodes.push(code);
        i = end + 1;
        continue;
      }
    }
    if (c === '<') {
      const end = text.indexOf('>', i + 1);
      if (end > i + 1) {
        flush();
        nodes.push(angleToken(text.slice(i + 1, end), users));
        i = end + 1;
        continue;
      }
    }
    if (c === ':') {
      const match = /^:([a-z0-9_+'-]+):/.exec(text.slice(i));
      if (match && EMOJI[match[1]]) {
        flush();
        nodes.push(emojiNode(match[1]));
        i += match[0].length;
        continue;
      }
    }
    if (MARKERS[c] && (i === 0 || OPEN_AFTER.has(text[i - 1]))) {
      const end = closingMarker(text, i);
      if (end > 0) {
        flush();
        const node = el(MARKERS[c]);
        node.append(...inline(text.slice(i + 1, end), users));
        nodes.push(node);
        i = end + 1;
        continue;
      }
    }
    buffer += c;
    i++;
  }
  flush();
  return nodes;
}

/** Where the emphasis opened at `start` closes, skipping code spans and <…> tokens; -1 if it does not. */
function closingMarker(text, start) {
  const marker = text[start];
  if (start + 1 >= text.length || /\s/.test(text[start + 1])) return -1;
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\n') return -1;
    if (c === '`' || c === '<') {
      const end = text.indexOf(c === '`' ? '`' : '>', j + 1);
      if (end > j) {
        j = end;
        continue;
      }
    }
    const closes = j + 1 === text.length || CLOSE_BEFORE.has(text[j + 1]);
    if (c === marker && j > start + 1 && !/\s/.test(text[j - 1]) && closes) return j;
  }
  return -1;
}

function angleToken(token, users) {
  const [target, label] = splitOnce(token, '|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return mention(`@${users.get(id) ?? label ?? id}`, 'mention');
  }
  if (target.startsWith('#')) {
    // Slack shows a channel by its current name, whatever label the message carries.
    const id = target.slice(1);
    return mention(`#${users.get(id) ?? label ?? id}`, 'mention channel-mention');
  }
  if (target.startsWith('!')) {
    const special = target.slice(1);
    if (['here', 'channel', 'everyone'].includes(special)) return mention(`@${special}`, 'mention');
    if (special.startsWith('date^')) return slackDate(special, label);
    return document.createTextNode(decodeEntities(label ?? special));
  }
  if (/^(https?:\/\/|mailto:)/i.test(target)) {
    const link = el('a', 'mrkdwn-link');
    link.href = decodeEntities(target);
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = decodeEntities(label ?? target);
    return link;
  }
  return document.createTextNode(decodeEntities(label ?? target));
}

/**
 * `<!date^<unix seconds>^<format>[^<link>]|<fallback>>`, as Slack shows it: the format's tokens in
 * the reader's own time zone and locale; the fallback when the timestamp is unreadable.
 */
function slackDate(token, fallback) {
  const [, seconds, format = '', link] = token.split('^');
  const date = new Date(Number(seconds) * 1000);
  if (!/^\d+$/.test(seconds ?? '') || Number.isNaN(date.getTime()))
    return document.createTextNode(decodeEntities(fallback ?? token));
  const text = decodeEntities(format).replace(/\{(\w+)\}/g, (whole, name) => dateToken(name, date) ?? whole);
  const node = el('time', 'mrkdwn-date');
  node.dateTime = date.toISOString();
  node.title = date.toString();
  node.textContent = text;
  if (!link || !/^https?:\/\//i.test(link)) return node;
  const anchor = el('a', 'mrkdwn-link');
  anchor.href = decodeEntities(link);
  anchor.target = '_blank';
  anchor.rel = 'noopener noreferrer';
  anchor.append(node);
  return anchor;
}

const DAY_MS = 86_400_000;

/** Slack shows dates in the reader's language: the playground's person's Slack locale. */
let readerLocale;
export function setReaderLocale(locale) {
  readerLocale = locale || undefined;
}
export const readerLanguage = () => (readerLocale ?? 'en').slice(0, 2);

function dateToken(name, date) {
  const local = (options) => date.toLocaleDateString(readerLocale, options);
  const long = { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' };
  const plain = { year: 'numeric', month: 'long', day: 'numeric' };
  const short = { year: 'numeric', month: 'short', day: 'numeric' };
  const pretty = (options) => {
    const startOfDay = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    const days = Math.round((startOfDay(date) - startOfDay(new Date())) / DAY_MS);
    return Math.abs(days) <= 1
      ? new Intl.RelativeTimeFormat(readerLocale, { numeric: 'auto' }).format(days, 'day')
      : local(options);
  };
  switch (name) {
    case 'date_num':
      return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
    case 'date':
      return local(plain);
    case 'date_short':
      return local(short);
    case 'date_long':
      return local(long);
    case 'date_pretty':
      return pretty(plain);
    case 'date_short_pretty':
      return pretty(short);
    case 'date_long_pretty':
      return pretty(long);
    case 'time':
      return date.toLocaleTimeString(readerLocale, { hour: 'numeric', minute: '2-digit' });
    case 'time_secs':
      return date.toLocaleTimeString(readerLocale, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
    case 'ago':
      return ago(date);
    default:
      return undefined;
  }
}

function ago(date) {
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  const future = seconds < 0;
  const abs = Math.abs(seconds);
  const [value, unit] =
    abs < 60
      ? [abs, 'second']
      : abs < 3600
        ? [Math.round(abs / 60), 'minute']
        : abs < 86_400
          ? [Math.round(abs / 3600), 'hour']
          : [Math.round(abs / 86_400), 'day'];
  const relative = new Intl.RelativeTimeFormat(readerLocale, { numeric: 'auto' });
  // Under ten seconds reads "now" ("just now" in English, as Slack says it).
  if (unit === 'second' && abs < 10) {
    const now = relative.format(0, 'second');
    return now === 'now' ? 'just now' : now;
  }
  return relative.format(future ? value : -value, unit);
}

function mention(text, className) {
  const span = el('span', className);
  span.textContent = text;
  return span;
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** A text object (mrkdwn or plain_text) as nodes. */
export function renderText(textObject, users) {
  if (!textObject) return document.createDocumentFragment();
  if (textObject.type === 'mrkdwn') return renderMrkdwn(textObject.text ?? '', users);
  return renderPlainText(textObject.text ?? '', textObject.emoji !== false);
}
