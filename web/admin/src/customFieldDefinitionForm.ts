// A custom field definition as a form, and the create or change request it becomes.
import type { FieldError } from "./api/errors";
import type { CustomFieldDefinition, CustomFieldPatch, CustomFieldScope, FieldType } from "./api/types";
import { parseValue, valueText } from "./customFieldValues";

export const SCOPES: CustomFieldScope[] = ["subscription", "plan", "allotment_grant"];
export const FIELD_TYPES: FieldType[] = ["text", "number", "boolean", "date", "enum", "json"];

export interface DefinitionForm {
  key: string;
  scope: CustomFieldScope;
  type: FieldType;
  label: string;
  description: string;
  required: boolean;
  default: string;
  pattern: string;
  max_length: string;
  choices: string;
  visible_to_subscriber: boolean;
  editable_by_subscriber: boolean;
}

export function blankDefinition(scope: CustomFieldScope = "subscription"): DefinitionForm {
  return {
    key: "",
    scope,
    type: "text",
    label: "",
    description: "",
    required: false,
    default: "",
    pattern: "",
    max_length: "",
    choices: "",
    visible_to_subscriber: false,
    editable_by_subscriber: false,
  };
}

export function toDefinitionForm(d: CustomFieldDefinition): DefinitionForm {
  return {
    key: d.key,
    scope: d.scope,
    type: d.type,
    label: d.label,
    description: d.description,
    required: d.required,
    default: valueText(d, d.default),
    pattern: d.pattern ?? "",
    max_length: d.max_length == null ? "" : String(d.max_length),
    choices: d.choices.join(", "),
    visible_to_subscriber: d.visible_to_subscriber,
    editable_by_subscriber: d.editable_by_subscriber,
  };
}

type Settable = Omit<DefinitionForm, "key" | "scope" | "type">;

// What the form says, typed as the API stores it; entries that cannot be read are listed.
function settings(form: DefinitionForm): { values: Omit<CustomFieldPatch, never>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const parsed = parseValue({ type: form.type }, form.default);
  if ("error" in parsed) errors.push({ field: "default", message: parsed.error });
  const max = form.max_length.trim();
  if (max && !/^[1-9]\d*$/.test(max)) errors.push({ field: "max_length", message: "must be a whole number above 0" });
  const text = form.type === "text";
  const values: CustomFieldPatch = {
    label: form.label.trim(),
    description: form.description.trim(),
    required: form.required,
    default: "value" in parsed ? parsed.value : null,
    pattern: text && form.pattern.trim() ? form.pattern.trim() : null,
    max_length: text && max ? Number(max) : null,
    choices: form.type === "enum" ? form.choices.split(",").map((c) => c.trim()).filter(Boolean) : [],
    visible_to_subscriber: form.visible_to_subscriber,
    editable_by_subscriber: form.editable_by_subscriber,
  };
  return { values, errors };
}

export function createBody(form: DefinitionForm): { body: Record<string, unknown> } | { errors: FieldError[] } {
  const { values, errors } = settings(form);
  if (errors.length) return { errors };
  const body: Record<string, unknown> = { key: form.key.trim(), scope: form.scope, type: form.type };
  for (const [k, v] of Object.entries(values)) if (v !== null) body[k] = v;
  return { body };
}

// Only what changed is sent: the rest of the definition stays as it is.
export function changePatch(before: CustomFieldDefinition, form: DefinitionForm): { patch: CustomFieldPatch } | { errors: FieldError[] } {
  const { values, errors } = settings(form);
  if (errors.length) return { errors };
  const was = settings(toDefinitionForm(before)).values;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(values) as Array<keyof Settable>) {
    const now = (values as Record<string, unknown>)[key];
    if (JSON.stringify(now) !== JSON.stringify((was as Record<string, unknown>)[key])) patch[key] = now;
  }
  return { patch: patch as CustomFieldPatch };
}
