// A delivery location's form, and the request body the admin API takes for it.
import type { NewLocation } from "./api/types";

export const LOCATION_FIELDS: Array<[string, string, boolean]> = [
  ["first_name", "First name", true],
  ["last_name", "Last name", true],
  ["company", "Company", false],
  ["street_1", "Street", true],
  ["street_2", "Street (line 2)", false],
  ["city", "City", true],
  ["state", "State", false],
  ["zip", "Postal code", true],
  ["country_iso2", "Country code (2 letters)", true],
  ["phone", "Phone", false],
  ["shipping_method", "Shipping method", true],
];

export type LocationForm = Record<string, string>;

export function emptyLocation(): LocationForm {
  return Object.fromEntries([["label", ""], ["shipping_cost_ex_tax", ""], ...LOCATION_FIELDS.map(([k]) => [k, ""])]);
}

// Blank optional fields are left out; the required ones are sent as typed so the API names
// each one missing.
export function locationBody(form: LocationForm): NewLocation {
  const address: Record<string, string> = {};
  for (const [key, , required] of LOCATION_FIELDS) {
    const v = (form[key] ?? "").trim();
    if (required || v) address[key] = key === "country_iso2" ? v.toUpperCase() : v;
  }
  const body: Record<string, unknown> = { label: (form.label ?? "").trim(), address };
  const cost = (form.shipping_cost_ex_tax ?? "").trim();
  if (cost) body.shipping_cost_ex_tax = cost;
  return body as unknown as NewLocation;
}

export function addressLine(address: Record<string, string>): string {
  const name = [address.first_name, address.last_name].filter(Boolean).join(" ");
  const place = [address.street_1, address.city, address.zip, address.country_iso2].filter(Boolean).join(", ");
  return [name, address.company, place].filter(Boolean).join(" · ");
}
