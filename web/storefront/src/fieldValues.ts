import type { CustomFieldDefinition } from "./types";

type Parsed = { value: unknown } | { error: string };

export function fieldText(def: Pick<CustomFieldDefinition, "type">, value: unknown): string {
  if (value === null || value === undefined) return "";
  return def.type === "json" ? JSON.stringify(value) : String(value);
}

// An empty entry clears the value; otherwise it must read as the field's type (the API checks
// the rest and lists every value it refuses).
export function readField(def: Pick<CustomFieldDefinition, "type">, text: string): Parsed {
  const t = text.trim();
  if (t === "") return { value: null };
  if (def.type === "number") return Number.isFinite(Number(t)) ? { value: Number(t) } : { error: "must be a number" };
  if (def.type === "boolean") return t === "true" || t === "false" ? { value: t === "true" } : { error: "must be yes or no" };
  if (def.type === "date") return /^\d{4}-\d{2}-\d{2}$/.test(t) ? { value: t } : { error: "must be a date" };
  if (def.type === "json") {
    try {
      return { value: JSON.parse(t) as unknown };
    } catch {
      return { error: "must be valid JSON" };
    }
  }
  return { value: text };
}

export function editable(def: CustomFieldDefinition): boolean {
  return def.editable_by_subscriber && !def.archived;
}

/** The editable fields whose entry changed, and every entry that cannot be read. */
export function fieldChanges(
  defs: CustomFieldDefinition[],
  stored: Record<string, unknown>,
  texts: Record<string, string>,
): { values: Record<string, unknown>; errors: string[] } {
  const values: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const def of defs.filter(editable)) {
    const text = texts[def.key];
    if (text === undefined || text === fieldText(def, stored[def.key])) continue;
    const read = readField(def, text);
    if ("error" in read) errors.push(`${def.label}: ${read.error}`);
    else values[def.key] = read.value;
  }
  return { values, errors };
}
