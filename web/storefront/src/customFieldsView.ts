import { field, h } from "./dom";
import { editable, fieldChanges, fieldText } from "./fieldValues";
import type { CustomFieldDefinition, CustomFieldValues } from "./types";

/** The custom fields the merchant shows subscribers; those they may edit as inputs. */
export function customFields(
  seen: CustomFieldValues,
  mayEdit: boolean,
  busy: boolean,
  save: (values: Record<string, unknown>) => unknown,
  refuse: (errors: string[]) => void,
): HTMLElement | null {
  const defs = seen.definitions.filter((d) => !d.archived || seen.values[d.key] != null);
  if (defs.length === 0) return null;
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const rows = defs.map((def) => {
    const text = fieldText(def, seen.values[def.key]);
    if (!mayEdit || !editable(def)) {
      return h("p", { "data-field": def.key }, `${def.label}: ${text || "—"}`);
    }
    const input = entry(def, text);
    inputs.set(def.key, input);
    return h("div", { "data-field": def.key }, field(def.required ? `${def.label} *` : def.label, input));
  });
  const submit = () => {
    const texts = Object.fromEntries([...inputs].map(([k, el]) => [k, el.value]));
    const { values, errors } = fieldChanges(defs, seen.values, texts);
    if (errors.length) return refuse(errors);
    if (Object.keys(values).length) return save(values);
  };
  return h(
    "div",
    { class: "bcs-fields", "data-custom-fields": true },
    h("h4", {}, "Your details"),
    ...rows,
    inputs.size ? h("button", { type: "button", disabled: busy, onclick: () => void submit() }, "Save details") : null,
  );
}

function entry(def: CustomFieldDefinition, text: string): HTMLInputElement | HTMLSelectElement {
  if (def.type === "enum" || def.type === "boolean") {
    const choices: [string, string][] = def.type === "boolean" ? [["true", "Yes"], ["false", "No"]] : def.choices.map((c) => [c, c]);
    const select = h("select", { name: def.key }, h("option", { value: "" }, "—"), ...choices.map(([v, t]) => h("option", { value: v, selected: v === text }, t))) as HTMLSelectElement;
    return select;
  }
  const type = def.type === "date" ? "date" : def.type === "number" ? "number" : "text";
  return h("input", { name: def.key, type, value: text }) as HTMLInputElement;
}
