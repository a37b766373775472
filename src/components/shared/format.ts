/** Small formatting helpers for what elements show. */

/** Replaces `{name}` placeholders in a (translatable) string. Unknown names stay as they are. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}

/** Bytes as a short human-readable size (kB, MB, GB; decimal units, as download sizes are quoted). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

/**
 * A model id as people read it: the repository's name without its owner
 * (`HuggingFaceTB/SmolLM2-360M-Instruct` → `SmolLM2-360M-Instruct`), short enough for a status line.
 */
export function modelName(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1) || id;
}
