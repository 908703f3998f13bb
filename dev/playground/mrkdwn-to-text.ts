/**
 * Slack mrkdwn as a terminal shows it: emphasis without its markers (bold in a terminal that
 * understands ANSI), links and mentions as their labels, dates as their fallback text, emoji
 * shortcodes as the emoji. `npm run try` prints cards with it, so nothing raw (`*bold*`, `:x:`)
 * reaches the reader.
 */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  warning: '⚠️',
  x: '❌',
  grey_question: '❔',
  question: '❓',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  eyes: '👀',
  wastebasket: '🗑️',
  no_entry_sign: '🚫',
  no_entry: '⛔',
  memory: '📝',
  gear: '⚙️',
  double_vertical_bar: '⏸️',
  arrow_forward: '▶️',
  watch: '⌚',
  repeat: '🔁',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  red_circle: '🔴',
  information_source: 'ℹ️',
  arrows_counterclockwise: '🔄',
  twisted_rightwards_arrows: '🔀',
  sweep: '🧹',
  sparkles: '✨',
  no_bell: '🔕',
  newspaper: '📰',
  mag: '🔍',
  lock: '🔒',
  inbox_tray: '📥',
  heavy_minus_sign: '➖',
  electric_plug: '🔌',
  control_knobs: '🎛️',
  construction: '🚧',
  cloud: '☁️',
  bell: '🔔',
  rocket: '🚀',
  tada: '🎉',
  link: '🔗',
  clipboard: '📋',
  bar_chart: '📊',
  stopwatch: '⏱️',
  key: '🔑',
  busts_in_silhouette: '👥',
  bust_in_silhouette: '👤',
};

export function mrkdwnToText(mrkdwn: string, options: { ansi?: boolean } = {}): string {
  const bold = (s: string) => (options.ansi ? `\u001b[1m${s}\u001b[22m` : s);
  return (
    mrkdwn
      // <!date^1700000000^{date_short} {time}|Nov 14, 22:13> → its fallback text.
      .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
      .replace(/<!(here|channel|everyone)>/g, '@$1')
      .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_, label?: string) => label ?? '@group')
      .replace(/<@([A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, label?: string) => `@${label ?? id}`)
      .replace(/<#([A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, label?: string) => `#${label ?? id}`)
      .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
      .replace(/<([a-z]+:[^>]+)>/g, '$1')
      .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s.,:;!?)]|$)/gm, (_, pre: string, s: string) => pre + bold(s))
      .replace(/(^|[\s(])_([^_\n]+)_(?=[\s.,:;!?)]|$)/gm, '$1$2')
      .replace(/(^|[\s(])~([^~\n]+)~(?=[\s.,:;!?)]|$)/gm, '$1$2')
      .replace(/```\n?([\s\S]*?)\n?```/g, '$1')
      .replace(/`([^`\n]+)`/g, '$1')
      .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? (/^\d/.test(name) ? whole : ''))
      .replace(/^&gt; ?/gm, '│ ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  );
}
