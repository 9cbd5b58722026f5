import { ApiError } from "./api";
import { h } from "./dom";
import { describe } from "./errors";
import { formatDate, money } from "./format";

/** One of the shopper's allotments as the portal shows it: the balance and how it renews. */
export interface ShopperGrant {
  id: string;
  unit: "currency" | "count" | "duration_minutes";
  currency_code: string | null;
  amount_per_period: string;
  balance: string;
  rollover: "none" | "cap_to_one_period" | "accumulate";
  cadence: { interval: "day" | "week" | "month" | "year"; interval_count: number } | null;
  period: number;
  next_refresh_at: string | null;
  status: "active" | "suspended" | "revoked";
}

export interface ShopperGrantList {
  allotments: ShopperGrant[];
  cursor: string | null;
}

/** What the portal knows of the shopper's balances: hidden by the store, read, or unreadable. */
export type Balances = { hidden: true } | { grants: ShopperGrant[] } | { failed: unknown };

/** The store decides whether subscribers see balances; when it does not, the route is a 404. */
export async function readBalances(read: () => Promise<ShopperGrantList>): Promise<Balances> {
  try {
    return { grants: (await read()).allotments };
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 404) return { hidden: true };
    // Not signed in: the subscriptions list already says so, once.
    if (failure instanceof ApiError && failure.status === 401) return { hidden: true };
    return { failed: failure };
  }
}

export function amountText(grant: Pick<ShopperGrant, "unit" | "currency_code">, amount: string): string {
  if (grant.unit === "currency") return money(amount, grant.currency_code ?? "");
  const n = Number(amount);
  const text = Number.isFinite(n) ? String(n) : amount;
  return grant.unit === "duration_minutes" ? `${text} minutes` : text;
}

/** One line per balance: what is left, and when it next refreshes (if ever). */
export function balanceLine(grant: ShopperGrant): string {
  const left = `${amountText(grant, grant.balance)} left`;
  if (grant.status === "suspended") return `${left} · on hold`;
  if (!grant.cadence) return `${left} · does not refresh`;
  return `${left} · refreshes to ${amountText(grant, grant.amount_per_period)} on ${formatDate(grant.next_refresh_at)}`;
}

/** The shopper's balances; nothing at all when the store hides them or none is live. */
export function balancesSection(balances: Balances | null): HTMLElement | null {
  if (balances === null || "hidden" in balances) return null;
  if ("failed" in balances) {
    return h("p", { "data-balances-error": true }, `Your balances could not be loaded: ${describe(balances.failed)}`);
  }
  // A revoked allotment is over: it has nothing left to show.
  const live = balances.grants.filter((g) => g.status !== "revoked");
  if (live.length === 0) return null;
  return h(
    "div",
    { class: "bcs-balances", "data-balances": true },
    h("h3", {}, "My balances"),
    ...live.map((g) => h("p", { "data-allotment-id": g.id, "data-status": g.status }, balanceLine(g))),
  );
}
