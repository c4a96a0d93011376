import type { LastExit } from '@backend-sidecar/client';

/** "45s", "3m 12s", "2h 5m", "3d 4h": two units at most, as a glance needs. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]];
  const first = units.findIndex(([, size]) => s >= size);
  if (first < 0) return '0s';
  const [unit, size] = units[first]!;
  const head = `${Math.floor(s / size)}${unit}`;
  const next = units[first + 1];
  if (!next) return head;
  const rest = Math.floor((s % size) / next[1]);
  return rest > 0 ? `${head} ${rest}${next[0]}` : head;
}

/** "code 1" or "SIGKILL". */
export function formatExit(exit: LastExit): string {
  return exit.signal ?? `code ${exit.code}`;
}

/**
 * Escapes text for a Markdown tooltip: names and messages come from the user's config and processes.
 * Only what could start emphasis, code, a link, HTML, a table or a theme icon (`$(...)`) is escaped.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~$]/g, (c) => `\\${c}`);
}

/** One line, at most `max` characters: notifications are no place for a wall of text. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
