// A product's plan as form fields and back, and where each of the API's reasons belongs.
// Numbers are kept as typed text; a value that is not a number is sent as typed, so the API
// names the field it is wrong in rather than the form guessing.
import type { FieldError } from "./api/errors";

export const INTERVALS = ["day", "week", "month", "year"] as const;

export interface CadenceRow {
  label: string;
  interval: string;
  interval_count: string;
  discount_percent: string;
  retired: boolean;
  // Set by BigCommerce when the plan was published: kept so each cadence keeps its value.
  option_value_id: number | null;
}

export interface TierRow {
  min_quantity: string;
  discount_percent: string;
}

export interface PlanForm {
  cadences: CadenceRow[];
  default_cadence: string; // "" = the first cadence offered
  trial_days: string;
  billing_period_count: string;
  commitment_count: string;
  max_cycles: string; // "" = until cancelled
  free_shipping: boolean;
  tiers: TierRow[];
  // What the form does not edit (the cadence modifier's id, the price source) goes back as read.
  kept: Record<string, unknown>;
}

// The fields of the form that one of the API's locations can name directly.
export const PLAN_FIELDS = [
  "default_cadence",
  "trial_days",
  "billing_period_count",
  "commitment_count",
  "max_cycles",
  "free_shipping",
] as const;
const CADENCE_FIELDS = ["label", "interval", "interval_count", "discount_percent", "retired"] as const;
const TIER_FIELDS = ["min_quantity", "discount_percent"] as const;
const EDITED = new Set<string>([...PLAN_FIELDS, "cadences", "tiers", "product_id"]);

export function newCadence(): CadenceRow {
  return { label: "", interval: "month", interval_count: "1", discount_percent: "0", retired: false, option_value_id: null };
}

export function newTier(): TierRow {
  return { min_quantity: "", discount_percent: "" };
}

function text(value: unknown, fallback: string): string {
  return value === undefined || value === null ? fallback : String(value);
}

function rows(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null) : [];
}

// The form of a plan as the API answers it; a product without a plan starts from one cadence.
export function toPlanForm(plan: Record<string, unknown> | null): PlanForm {
  const p = plan ?? {};
  const cadences = rows(p.cadences).map((c) => ({
    label: text(c.label, ""),
    interval: text(c.interval, "month"),
    interval_count: text(c.interval_count, "1"),
    discount_percent: text(c.discount_percent, "0"),
    retired: c.retired === true,
    option_value_id: typeof c.option_value_id === "number" ? c.option_value_id : null,
  }));
  const kept = Object.fromEntries(Object.entries(p).filter(([k]) => !EDITED.has(k)));
  return {
    cadences: plan ? cadences : [{ ...newCadence(), label: "Monthly" }],
    default_cadence: text(p.default_cadence, ""),
    trial_days: text(p.trial_days, "0"),
    billing_period_count: text(p.billing_period_count, "1"),
    commitment_count: text(p.commitment_count, "0"),
    max_cycles: text(p.max_cycles, ""),
    free_shipping: p.free_shipping === true,
    tiers: rows(p.tiers).map((t) => ({ min_quantity: text(t.min_quantity, ""), discount_percent: text(t.discount_percent, "") })),
    kept,
  };
}

function number(value: string): number | string {
  const trimmed = value.trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

// The plan document the form sends: what the form does not edit, plus every edited field.
export function toPlanDocument(form: PlanForm): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    ...form.kept,
    cadences: form.cadences.map((c) => ({
      label: c.label.trim(),
      interval: c.interval,
      interval_count: number(c.interval_count),
      discount_percent: number(c.discount_percent),
      retired: c.retired,
      ...(c.option_value_id === null ? {} : { option_value_id: c.option_value_id }),
    })),
    trial_days: number(form.trial_days),
    billing_period_count: number(form.billing_period_count),
    commitment_count: number(form.commitment_count),
    free_shipping: form.free_shipping,
    tiers: form.tiers.map((t) => ({ min_quantity: number(t.min_quantity), discount_percent: number(t.discount_percent) })),
  };
  if (form.default_cadence.trim() !== "") doc.default_cadence = form.default_cadence.trim();
  if (form.max_cycles.trim() !== "") doc.max_cycles = number(form.max_cycles);
  return doc;
}

// The form field a location (dot-joined, as the API's `fields` are read) names, if any: a
// top-level field, a list as a whole (`cadences`, `tiers`), or one field of one row that the
// form shows. Anything else (the plan as a whole, a row the form no longer has) is unplaced.
export function fieldOf(location: string, form: PlanForm): string | null {
  const [head, index, field, ...rest] = location.split(".");
  if (!head || rest.length) return null;
  if (index === undefined) {
    return (PLAN_FIELDS as readonly string[]).includes(head) || head === "cadences" || head === "tiers" ? head : null;
  }
  const list = head === "cadences" ? form.cadences : head === "tiers" ? form.tiers : null;
  const known: readonly string[] = head === "cadences" ? CADENCE_FIELDS : TIER_FIELDS;
  if (!list || !/^\d+$/.test(index) || Number(index) >= list.length) return null;
  if (field === undefined) return `${head}.${index}`;
  return known.includes(field) ? `${head}.${index}.${field}` : null;
}

export interface PlacedErrors {
  byField: Record<string, string>;
  unplaced: FieldError[];
}

// The API's reasons, each beside the field it names; the rest shown above the form.
export function placeErrors(fields: FieldError[], form: PlanForm): PlacedErrors {
  const byField: Record<string, string> = {};
  const unplaced: FieldError[] = [];
  for (const f of fields) {
    const place = fieldOf(f.field, form);
    if (place === null) unplaced.push(f);
    else byField[place] = byField[place] ? `${byField[place]}; ${f.message}` : f.message;
  }
  return { byField, unplaced };
}

export function replaceAt<T>(list: T[], index: number, row: T): T[] {
  return list.map((r, i) => (i === index ? row : r));
}

export function removeAt<T>(list: T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}
