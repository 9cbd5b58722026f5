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

/** A part given back of a debit: by a refund of its order, or by the store. */
export interface DebitReversal {
  source: "refund" | "merchant";
  refund_id: number | null;
  amount: string;
  at: string | null;
}

/** What used a balance, what has come back of it so far, and what it still uses. */
export interface ShopperDebit {
  id: string;
  amount: string;
  source: { kind: "order" | "charge" | "manual"; id: string | null };
  created_at: string;
  reversed_amount: string;
  remaining: string;
  reversals: DebitReversal[];
}

export interface ShopperGrantDetail extends ShopperGrant {
  debits: ShopperDebit[];
}

/** A balance with its debits, when they could be read (a failed read leaves them out). */
export type Balance = ShopperGrant & { debits?: ShopperDebit[] };

/** What the portal knows of the shopper's balances: hidden by the store, read, or unreadable. */
export type Balances = { hidden: true } | { grants: Balance[] } | { failed: unknown };

/**
 * The store decides whether subscribers see balances; when it does not, the route is a 404.
 * Each live balance is then read on its own (`readOne`) for its debits.
 */
export async function readBalances(
  read: () => Promise<ShopperGrantList>,
  readOne?: (id: string) => Promise<ShopperGrantDetail>,
): Promise<Balances> {
  try {
    const grants = (await read()).allotments;
    if (!readOne) return { grants };
    return { grants: await Promise.all(grants.map((g) => withDebits(g, readOne))) };
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 404) return { hidden: true };
    // Not signed in: the subscriptions list already says so, once.
    if (failure instanceof ApiError && failure.status === 401) return { hidden: true };
    return { failed: failure };
  }
}

async function withDebits(grant: ShopperGrant, readOne: (id: string) => Promise<ShopperGrantDetail>): Promise<Balance> {
  if (grant.status === "revoked") return grant;
  try {
    return { ...grant, debits: (await readOne(grant.id)).debits };
  } catch {
    return grant; // the balance still shows; only what used it is left out
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

function usedBy(debit: ShopperDebit): string {
  if (debit.source.kind === "order") return `Order #${debit.source.id ?? ""}`;
  if (debit.source.kind === "charge") return "Subscription renewal";
  return "Adjustment by the store";
}

function partWords(part: DebitReversal): string {
  const who = part.source === "refund" ? `refund ${part.refund_id ?? ""}`.trim() : "the store";
  return part.at ? `${who} on ${formatDate(part.at)}` : who;
}

/**
 * One line per debit: what it used and, once anything came back, how much, by which refund
 * (or the store) and when, and what it still uses.
 */
export function debitLine(grant: ShopperGrant, debit: ShopperDebit): string {
  const used = `${usedBy(debit)} on ${formatDate(debit.created_at)}: ${amountText(grant, debit.amount)} used`;
  if (Number(debit.reversed_amount) <= 0) return used;
  const parts = debit.reversals.map(partWords).join("; ");
  const back = `${amountText(grant, debit.reversed_amount)} given back${parts ? ` (${parts})` : ""}`;
  const still = Number(debit.remaining) > 0 ? `${amountText(grant, debit.remaining)} still used` : "nothing still used";
  return `${used}, ${back}, ${still}`;
}

function debitsList(grant: Balance): HTMLElement[] {
  if (!grant.debits?.length) return [];
  const items = grant.debits.map((d) => h("li", { "data-debit-id": d.id }, debitLine(grant, d)));
  return [h("ul", { class: "bcs-debits", "data-debits-of": grant.id }, ...items)];
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
    ...live.flatMap((g) => [h("p", { "data-allotment-id": g.id, "data-status": g.status }, balanceLine(g)), ...debitsList(g)]),
  );
}
