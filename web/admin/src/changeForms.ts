// The subscription page's change forms: which fields each has and the request it sends.
// Values are sent as typed (a non-number stays a string, so the API names the field).
import type { Subscription } from "./api/types";

export interface FieldSpec {
  name: string;
  label: string;
  type?: "text" | "date" | "number";
  options?: Array<{ value: string; content: string }>;
  description?: string;
}

export interface ChangeSpec {
  key: string;
  title: string;
  submit: string;
  method: "POST" | "PUT" | "DELETE";
  path: string; // after /admin/subscriptions/{id}
  fields: FieldSpec[];
  done: string;
  body: (values: Record<string, string>) => unknown;
}

function num(value: string | undefined): number | string {
  const t = (value ?? "").trim();
  return t !== "" && Number.isFinite(Number(t)) ? Number(t) : t;
}

// A date input's day as the start of that UTC day; empty stays empty.
export function dayStart(value: string | undefined): string | null {
  return value ? `${value}T00:00:00Z` : null;
}

const ADDRESS: Array<[string, string]> = [
  ["first_name", "First name"],
  ["last_name", "Last name"],
  ["street_1", "Street"],
  ["street_2", "Street (line 2)"],
  ["city", "City"],
  ["state", "State or province"],
  ["zip", "Postal code"],
  ["country_iso2", "Country (2-letter code)"],
  ["phone", "Phone"],
];

// The cadence labels a plan offers now (retired ones are no longer sold).
export function offeredCadences(plan: Record<string, unknown> | null | undefined): string[] {
  const cadences = Array.isArray(plan?.cadences) ? (plan.cadences as Array<Record<string, unknown>>) : [];
  return cadences.filter((c) => typeof c.label === "string" && !c.retired).map((c) => String(c.label));
}

export function changeSpecs(sub: Pick<Subscription, "lines">, cadences: string[] = []): ChangeSpec[] {
  const lines = sub.lines.map((l) => ({ value: String(l.product_id), content: `${l.name} (#${l.product_id})` }));
  const line: FieldSpec = { name: "product_id", label: "Line", options: lines };
  return [
    {
      key: "pause_until",
      title: "Pause until a date",
      submit: "Pause until then",
      method: "POST",
      path: "pause",
      fields: [{ name: "resume_at", label: "Resume on", type: "date", description: "It resumes by itself that day (UTC)." }],
      done: "The subscription is paused until the date given.",
      body: (v) => ({ resume_at: dayStart(v.resume_at) }),
    },
    {
      key: "quantity",
      title: "Quantity",
      submit: "Change quantity",
      method: "POST",
      path: "quantity",
      fields: [line, { name: "quantity", label: "Quantity", type: "number" }],
      done: "The quantity is changed from the next renewal.",
      body: (v) => ({ product_id: num(v.product_id), quantity: num(v.quantity) }),
    },
    {
      key: "cadence",
      title: "Cadence",
      submit: "Change cadence",
      method: "POST",
      path: "cadence",
      fields: [
        cadences.length
          ? { name: "cadence", label: "Cadence", options: cadences.map((c) => ({ value: c, content: c })) }
          : { name: "cadence", label: "Cadence", description: "A cadence label of the product's plan, e.g. Monthly." },
      ],
      done: "The cadence is changed.",
      body: (v) => ({ cadence: (v.cadence ?? "").trim() }),
    },
    {
      key: "variant",
      title: "Variant",
      submit: "Swap variant",
      method: "POST",
      path: "variant",
      fields: [line, { name: "variant_id", label: "Variant id", type: "number" }],
      done: "The next renewal ships the new variant, at its catalog price.",
      body: (v) => ({ product_id: num(v.product_id), variant_id: num(v.variant_id) }),
    },
    {
      key: "address",
      title: "Shipping address",
      submit: "Save address",
      method: "PUT",
      path: "shipping-address",
      fields: ADDRESS.map(([name, label]) => ({ name, label })),
      done: "Renewals ship to the new address.",
      body: (v) => Object.fromEntries(ADDRESS.map(([name]) => [name, (v[name] ?? "").trim() || (["street_2", "state", "phone"].includes(name) ? null : "")])),
    },
    {
      key: "contract",
      title: "Contract term",
      submit: "Set contract term",
      method: "PUT",
      path: "contract",
      fields: [
        { name: "term_end_at", label: "Term ends on", type: "date" },
        { name: "notice_period_days", label: "Notice period (days)", type: "number" },
        {
          name: "mode",
          label: "A cancel before the notice window is",
          options: [
            { value: "block", content: "refused" },
            { value: "route", content: "sent to your legal team" },
          ],
        },
      ],
      done: "This subscription's contract term is set.",
      body: (v) => ({ term_end_at: dayStart(v.term_end_at), notice_period_days: num(v.notice_period_days), mode: v.mode }),
    },
  ];
}

// The form's first values: the subscription's own where it has them.
export function initialValues(spec: ChangeSpec, sub: Subscription): Record<string, string> {
  const first = sub.lines[0];
  const address = (sub.shipping_address ?? {}) as Record<string, string>;
  const values: Record<string, string> = {};
  for (const field of spec.fields) {
    if (field.name === "product_id") values.product_id = first ? String(first.product_id) : "";
    else if (field.name === "quantity") values.quantity = first ? String(first.quantity) : "";
    else if (field.name === "cadence") values.cadence = sub.cadence_label;
    else if (field.name === "mode") values.mode = sub.contract?.mode ?? "block";
    else if (field.name === "notice_period_days") values.notice_period_days = sub.contract ? String(sub.contract.notice_period_days) : "30";
    else if (field.name === "term_end_at") values.term_end_at = sub.contract ? sub.contract.term_end_at.slice(0, 10) : "";
    else if (spec.key === "address") values[field.name] = address[field.name] ?? "";
    else values[field.name] = "";
  }
  return values;
}
