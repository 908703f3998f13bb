const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${BYTE_UNITS[unit]}`;
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
