import { afterEach, describe as group, expect, it } from "vitest";
import { Portal, type Fetch } from "./api";
import { debitLine, type ShopperDebit, type ShopperGrant } from "./allotmentsView";
import { PortalView } from "./view";

const GRANT: ShopperGrant = {
  id: "alt_1",
  unit: "count",
  currency_code: null,
  amount_per_period: "10",
  balance: "7",
  rollover: "none",
  cadence: null,
  period: 1,
  next_refresh_at: null,
  status: "active",
};

const DEBIT: ShopperDebit = {
  id: "ald_order_101",
  amount: "5",
  source: { kind: "order", id: "101" },
  created_at: "2027-01-10T08:00:00Z",
  reversed_amount: "0",
  remaining: "5",
  reversals: [],
};

const PARTLY: ShopperDebit = {
  ...DEBIT,
  reversed_amount: "2",
  remaining: "3",
  reversals: [{ source: "refund", refund_id: 12, amount: "2", at: "2027-01-12T09:30:00Z" }],
};

/** A portal API answering no subscriptions, the list of balances, and each one's debits. */
function portal(details: Record<string, [number, unknown]>): Portal {
  const fetchImpl: Fetch = async (url) => {
    const path = url.replace("https://api.test", "").split("?")[0]!;
    const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
    if (path === "/portal/subscriptions") return answer(200, { items: [] });
    if (path === "/portal/allotments") return answer(200, { allotments: [GRANT, { ...GRANT, id: "alt_2" }], cursor: null });
    const detail = details[path.replace("/portal/allotments/", "")];
    return detail ? answer(...detail) : answer(404, { error: "not_found" });
  };
  return new Portal({ apiBase: "https://api.test", clientId: "c", fetchToken: async () => "t" }, fetchImpl);
}

afterEach(() => document.body.replaceChildren());

group("what used a balance, and what came back of it", () => {
  it("says what a debit used, and once refunded, what came back by which refund and what it still uses", () => {
    expect(debitLine(GRANT, DEBIT)).toBe("Order #101 on Jan 10, 2027: 5 used");
    expect(debitLine(GRANT, PARTLY)).toBe("Order #101 on Jan 10, 2027: 5 used, 2 given back (refund 12 on Jan 12, 2027), 3 still used");
    const whole: ShopperDebit = {
      ...PARTLY,
      reversed_amount: "5",
      remaining: "0",
      reversals: [...PARTLY.reversals, { source: "merchant", refund_id: null, amount: "3", at: "2027-01-13T10:00:00Z" }],
    };
    expect(debitLine(GRANT, whole)).toBe(
      "Order #101 on Jan 10, 2027: 5 used, 5 given back (refund 12 on Jan 12, 2027; the store on Jan 13, 2027), nothing still used",
    );
  });

  it("reads a wallet's debit in its currency", () => {
    const wallet: ShopperGrant = { ...GRANT, unit: "currency", currency_code: "USD" };
    const debit = { ...PARTLY, amount: "25.00", reversed_amount: "12.5", remaining: "12.5" };
    expect(debitLine(wallet, debit)).toBe("Order #101 on Jan 10, 2027: 25.00 USD used, 12.50 USD given back (refund 12 on Jan 12, 2027), 12.50 USD still used");
  });

  it("show under each balance on the page, and a balance whose debits could not be read still shows", async () => {
    // Given a balance with a partly refunded debit, and one whose debits cannot be read
    const root = document.createElement("div");
    document.body.append(root);
    const view = new PortalView(root, portal({ alt_1: [200, { ...GRANT, debits: [PARTLY] }], alt_2: [500, { error: "server_error" }] }));
    // When the portal loads
    await view.load();
    // Then the first balance lists its debit with what came back, the second its balance alone
    const line = root.querySelector('[data-debits-of="alt_1"] [data-debit-id="ald_order_101"]');
    expect(line?.textContent).toBe(debitLine(GRANT, PARTLY));
    expect(root.querySelector('[data-allotment-id="alt_2"]')?.textContent).toBe("7 left · does not refresh");
    expect(root.querySelector('[data-debits-of="alt_2"]')).toBeNull();
    expect(root.querySelector("[data-balances-error]")).toBeNull();
  });
});
