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
