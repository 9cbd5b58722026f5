// Custom field values as text in a form, and back to the typed values the API validates.
import type { FieldError } from "./api/errors";
import type { CustomFieldDefinition } from "./api/types";

type Parsed = { value: unknown } | { error: string };

export function valueText(def: Pick<CustomFieldDefinition, "type">, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (def.type === "json") return JSON.stringify(value);
  return String(value);
}

// An empty entry clears the value (null); anything else must read as the field's type. The
// API checks the rest (required, pattern, choices, length) and lists what it refuses.
export function parseValue(def: Pick<CustomFieldDefinition, "type">, text: string): Parsed {
  const t = text.trim();
  if (t === "") return { value: null };
  switch (def.type) {
    case "number": {
      const n = Number(t);
      return Number.isFinite(n) ? { value: n } : { error: "must be a number" };
    }
    case "boolean":
      if (t === "true" || t === "false") return { value: t === "true" };
      return { error: "must be true or false" };
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(t) ? { value: t } : { error: "must be a date (YYYY-MM-DD)" };
    case "json":
      try {
        return { value: JSON.parse(t) as unknown };
      } catch {
        return { error: "must be valid JSON" };
      }
    default:
      return { value: text };
  }
}

// The fields whose entry differs from what is stored, as the PATCH body wants them; every entry
// that does not read as its type is listed, and then nothing is sent.
export function changedValues(
  defs: CustomFieldDefinition[],
  stored: Record<string, unknown>,
  texts: Record<string, string>,
): { values: Record<string, unknown>; errors: FieldError[] } {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const def of defs) {
    const text = texts[def.key];
    if (text === undefined || text === valueText(def, stored[def.key])) continue;
    const parsed = parseValue(def, text);
    if ("error" in parsed) errors.push({ field: def.key, message: parsed.error });
    else values[def.key] = parsed.value;
  }
  return { values, errors };
}

// New entry shows live definitions; an archived one stays on show only where a value is kept.
export function shownDefinitions(defs: CustomFieldDefinition[], stored: Record<string, unknown>): CustomFieldDefinition[] {
  return defs.filter((d) => !d.archived || (stored[d.key] !== undefined && stored[d.key] !== null));
}
