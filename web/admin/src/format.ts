// How values read on screen.
import type { Status } from "./api/types";

const STATUS_WORDS: Record<Status, string> = {
  pending: "Pending",
  trialing: "Trialing",
  active: "Active",
  past_due: "Past due",
  requires_action: "Requires action",
  paused: "Paused",
  cancelled: "Cancelled",
  expired: "Expired",
};

export function statusWords(status: string): string {
  return STATUS_WORDS[status as Status] ?? status;
}

export type BadgeVariant = "danger" | "secondary" | "success" | "warning" | "primary";

export function statusVariant(status: string): BadgeVariant {
  if (status === "active" || status === "trialing") return "success";
  if (status === "past_due" || status === "requires_action") return "danger";
  if (status === "paused" || status === "pending") return "warning";
  return "secondary";
}

export function money(amount: string, currency: string): string {
  const value = Number(amount);
  if (!Number.isFinite(value)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(value);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";
}

// The total of a renewal: every line's tax-inclusive price times its quantity.
export function renewalTotal(lines: Array<{ price_inc_tax: string; quantity: number }>): string {
  const cents = lines.reduce((sum, l) => sum + Math.round(Number(l.price_inc_tax) * 100) * l.quantity, 0);
  return (cents / 100).toFixed(2);
}

export function countLabel(count: number, more: boolean): string {
  return more ? `${count}+` : String(count);
}
