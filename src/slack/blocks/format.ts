import { ENGLISH } from '../../i18n/translator.js';
/** English sizes ("1.5 GiB"): the translator's, so every language rounds and names units alike. */
export function formatBytes(bytes: number | undefined): string {
  return ENGLISH.bytes(bytes);
}

export function formatCount(n: number | undefined): string {
  return n === undefined ? '—' : n.toLocaleString('en-US');
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatPercent(fraction: number | undefined): string {
  if (fraction === undefined) return '—';
  const pct = Math.max(0, Math.min(1, fraction)) * 100;
  return `${pct >= 10 || pct === 0 ? Math.floor(pct) : pct.toFixed(1)}%`;
}

/** `▰▰▰▰▱▱▱▱▱▱` – readable on mobile, where wide bars wrap. */
export function progressBar(fraction: number | undefined, width = 10): string {
  const f = Math.max(0, Math.min(1, fraction ?? 0));
  const filled = Math.floor(f * width);
  return '▰'.repeat(filled) + '▱'.repeat(width - filled);
}

export function formatTimestamp(date: Date | undefined): string {
  if (!date || Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A time every reader sees in their own time zone: Slack's `<!date^…>` with `token` (`{time}`,
 * `{date_short_pretty}`, `{ago}`…) and a UTC fallback for clients that cannot render it.
 */
export function slackDate(date: Date | undefined, token = '{date_short_pretty} {time}'): string {
  if (!date || Number.isNaN(date.getTime())) return '—';
  return `<!date^${Math.floor(date.getTime() / 1000)}^${token}|${formatTimestamp(date)}>`;
}

/**
 * A rough duration for an estimate, without false precision: "about 40 min", "about 3 h",
 * "about 2 days" (never "44 min 53 s").
 */
export function aboutDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 90) return 'under 2 min';
  const minutes = seconds / 60;
  if (minutes < 60) return `about ${minutes < 15 ? Math.round(minutes) : Math.round(minutes / 5) * 5} min`;
  const hours = minutes / 60;
  if (hours < 10) return `about ${Math.round(hours * 2) / 2} h`.replace('.5 h', '½ h');
  if (hours < 48) return `about ${Math.round(hours)} h`;
  return `about ${Math.round(hours / 24)} days`;
}
