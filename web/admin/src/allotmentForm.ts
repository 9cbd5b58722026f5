// The allotment forms' logic: what a merchant types becomes the API's body, and what the form
// can tell before sending (a missing customer, a currency without its code) is named by field.
import type { FieldError } from "./api/errors";
import type { AllotmentUnit, Grant, GrantRequest, Interval, OrderDebit, Rollover } from "./api/types";
import { money } from "./format";

export const UNITS: AllotmentUnit[] = ["currency", "count", "duration_minutes"];
export const ROLLOVERS: Rollover[] = ["none", "cap_to_one_period", "accumulate"];
export const INTERVALS: Interval[] = ["day", "week", "month", "year"];

// Which orders can debit a grant of each unit (the API refuses any other pairing).
export const ORDER_DEBITS: Record<AllotmentUnit, OrderDebit[]> = {
  currency: ["none", "order_total"],
  count: ["none", "item_count", "order_count"],
  duration_minutes: ["none"],
};

export const UNIT_WORDS: Record<AllotmentUnit, string> = {
  currency: "Money",
  count: "Count",
  duration_minutes: "Minutes",
};

export const ROLLOVER_WORDS: Record<Rollover, string> = {
  none: "Unused balance lapses",
  cap_to_one_period: "Carry over up to one period",
  accumulate: "Carry over all",
};

export const ORDER_DEBIT_WORDS: Record<OrderDebit, string> = {
  none: "No orders",
  order_total: "Order total (incl. tax)",
  item_count: "One per item ordered",
  order_count: "One per order",
};

export interface GrantForm {
  customer_id: string;
  unit: AllotmentUnit;
  currency_code: string;
  amount_per_period: string;
  // "" is a one-off grant that never refreshes.
  interval: Interval | "";
  interval_count: string;
  rollover: Rollover;
  overdraft_limit: string;
  order_debit: OrderDebit;
  reason: string;
}

export function blankGrant(): GrantForm {
  return {
    customer_id: "",
    unit: "count",
    currency_code: "",
    amount_per_period: "",
    interval: "month",
    interval_count: "1",
    rollover: "none",
    overdraft_limit: "",
    order_debit: "none",
    reason: "",
  };
}

/** A unit change keeps the order debit only where the new unit allows it. */
export function withUnit(form: GrantForm, unit: AllotmentUnit): GrantForm {
  const order_debit = ORDER_DEBITS[unit].includes(form.order_debit) ? form.order_debit : "none";
  return { ...form, unit, order_debit, currency_code: unit === "currency" ? form.currency_code : "" };
}

const WHOLE = /^[1-9]\d*$/;
const DECIMAL = /^\d+(\.\d+)?$/;

export function grantBody(form: GrantForm): { body: GrantRequest } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const customer = form.customer_id.trim();
  if (!WHOLE.test(customer)) errors.push({ field: "customer_id", message: "enter the customer's id (a whole number)" });
  const code = form.currency_code.trim().toUpperCase();
  if (form.unit === "currency" && !/^[A-Z]{3}$/.test(code)) {
    errors.push({ field: "currency_code", message: "enter a three-letter currency code, e.g. USD" });
  }
  const amount = form.amount_per_period.trim();
  if (!DECIMAL.test(amount) || Number(amount) <= 0) errors.push({ field: "amount_per_period", message: "enter an amount above zero" });
  const overdraft = form.overdraft_limit.trim();
  if (overdraft && !DECIMAL.test(overdraft)) errors.push({ field: "overdraft_limit", message: "enter an amount, or leave it empty for none" });
  const count = form.interval_count.trim();
  if (form.interval && !WHOLE.test(count)) errors.push({ field: "cadence.interval_count", message: "enter how many intervals (a whole number)" });
  if (errors.length) return { errors };
  return {
    body: {
      customer_id: Number(customer),
      unit: form.unit,
      currency_code: form.unit === "currency" ? code : null,
      // Amounts go as decimal strings so no digit is lost on the way.
      amount_per_period: amount,
      cadence: form.interval ? { interval: form.interval, interval_count: Number(count) } : null,
      rollover: form.rollover,
      overdraft_limit: overdraft || null,
      order_debit: form.order_debit,
      reason: form.reason.trim(),
    },
  };
}

export function debitBody(amount: string, reason: string, key: string): { body: { amount: string; reason: string; idempotency_key: string } } | { errors: FieldError[] } {
  const a = amount.trim();
  if (!DECIMAL.test(a) || Number(a) <= 0) return { errors: [{ field: "amount", message: "enter an amount above zero" }] };
  return { body: { amount: a, reason: reason.trim(), idempotency_key: key } };
}

/** An amount in the grant's unit, as a merchant reads it. */
export function quantity(grant: Pick<Grant, "unit" | "currency_code">, amount: string): string {
  if (grant.unit === "currency") return money(amount, grant.currency_code ?? "");
  if (grant.unit === "duration_minutes") return `${trimmed(amount)} min`;
  return trimmed(amount);
}

function trimmed(amount: string): string {
  return amount.includes(".") ? amount.replace(/\.?0+$/, "") : amount;
}

export function cadenceWords(cadence: Grant["cadence"]): string {
  if (!cadence) return "Once, no refresh";
  const n = cadence.interval_count;
  return n === 1 ? `Every ${cadence.interval}` : `Every ${n} ${cadence.interval}s`;
}
