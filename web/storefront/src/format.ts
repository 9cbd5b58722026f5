const STATUS: Record<string, string> = {
  trialing: "Trial",
  active: "Active",
  past_due: "Payment overdue",
  requires_action: "Needs your attention",
  paused: "Paused",
  cancelled: "Cancelled",
  expired: "Ended",
  pending: "Pending approval",
};

export function statusLabel(status: string): string {
  return STATUS[status] ?? status;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "a later date";
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  return when.toLocaleDateString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}

export function money(amount: string | number, currency: string): string {
  return `${Number(amount).toFixed(2)} ${currency}`;
}

/** The next renewal's total before any plan discount: each line's locked price times its quantity. */
export function linesTotal(lines: { quantity: number; price_inc_tax: string }[]): number {
  return lines.reduce((sum, l) => sum + l.quantity * Number(l.price_inc_tax), 0);
}

/** A date input's value (YYYY-MM-DD) as the start of that day in UTC, as the API takes it. */
export function dayStart(value: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : null;
}

export const ENDED = new Set(["cancelled", "expired"]);
