// The list's filters between the URL, the form and the API's query.
import type { Status } from "./api/types";
import type { Query } from "./api/client";
import type { SubscriptionFilters } from "./router";

export interface FilterForm {
  status: Status | "";
  customer_id: string;
  product_id: string;
  renews_after: string; // YYYY-MM-DD, as a date input gives it
  renews_before: string;
}

export function formFromFilters(f: SubscriptionFilters): FilterForm {
  return {
    status: f.status ?? "",
    customer_id: f.customer_id ? String(f.customer_id) : "",
    product_id: f.product_id ? String(f.product_id) : "",
    renews_after: f.renews_after ?? "",
    renews_before: f.renews_before ?? "",
  };
}

export function filtersFromForm(form: FilterForm): SubscriptionFilters {
  const f: SubscriptionFilters = {};
  if (form.status) f.status = form.status;
  const customer = Number(form.customer_id);
  if (Number.isInteger(customer) && customer > 0) f.customer_id = customer;
  const product = Number(form.product_id);
  if (Number.isInteger(product) && product > 0) f.product_id = product;
  if (/^\d{4}-\d{2}-\d{2}$/.test(form.renews_after)) f.renews_after = form.renews_after;
  if (/^\d{4}-\d{2}-\d{2}$/.test(form.renews_before)) f.renews_before = form.renews_before;
  return f;
}

// Dates are whole UTC days: "renews before" the 9th means before the 9th begins.
export function filterQuery(f: SubscriptionFilters): Query {
  return {
    status: f.status,
    customer_id: f.customer_id,
    product_id: f.product_id,
    renews_after: f.renews_after ? `${f.renews_after}T00:00:00Z` : undefined,
    renews_before: f.renews_before ? `${f.renews_before}T00:00:00Z` : undefined,
  };
}
