import { afterEach, describe as group, expect, it } from "vitest";
import { ApiError, Portal, type Fetch } from "./api";
import { balanceLine, balancesSection, readBalances, type ShopperGrant } from "./allotmentsView";
import { PortalView } from "./view";

const GRANT: ShopperGrant = {
  id: "alt_1",
  unit: "count",
  currency_code: null,
  amount_per_period: "10",
  balance: "4",
  rollover: "none",
  cadence: { interval: "month", interval_count: 1 },
  period: 2,
  next_refresh_at: "2027-02-01T00:00:00Z",
  status: "active",
};

/** A portal API answering the list of subscriptions (empty) and `allotments` as given. */
function portal(allotments: [number, unknown]): Portal {
  const fetchImpl: Fetch = async (url) => {
    const path = url.replace("https://api.test", "").split("?")[0]!;
    if (path === "/portal/subscriptions") return new Response(JSON.stringify({ items: [] }), { status: 200 });
    if (path === "/portal/allotments") return new Response(JSON.stringify(allotments[1]), { status: allotments[0] });
    return new Response(JSON.stringify({ error: "no_route" }), { status: 404 });
  };
  return new Portal({ apiBase: "https://api.test", clientId: "c", fetchToken: async () => "t" }, fetchImpl);
}

async function shown(allotments: [number, unknown]): Promise<HTMLElement> {
  const root = document.createElement("div");
  document.body.append(root);
  await new PortalView(root, portal(allotments)).load();
  return root;
}

afterEach(() => document.body.replaceChildren());

group("My balances", () => {
  it("say what is left in each unit and when it next refreshes", () => {
    // Given a count, a money and a one-off minutes allotment
    const money = { ...GRANT, unit: "currency" as const, currency_code: "USD", balance: "12.5", amount_per_period: "25" };
    const minutes = { ...GRANT, unit: "duration_minutes" as const, balance: "90.00", cadence: null };
    // When / Then
    expect(balanceLine(GRANT)).toBe("4 left · refreshes to 10 on Feb 1, 2027");
    expect(balanceLine(money)).toBe("12.50 USD left · refreshes to 25.00 USD on Feb 1, 2027");
    expect(balanceLine(minutes)).toBe("90 minutes left · does not refresh");
    expect(balanceLine({ ...GRANT, status: "suspended" })).toBe("4 left · on hold");
  });

  it("count as hidden when the store does not show them, and as failed on any other refusal", async () => {
    expect(await readBalances(async () => Promise.reject(new ApiError(404, "not_found")))).toEqual({ hidden: true });
    expect(await readBalances(async () => Promise.reject(new ApiError(401, "not_signed_in")))).toEqual({ hidden: true });
    const failed = await readBalances(async () => Promise.reject(new ApiError(503, "storage_busy")));
    expect("failed" in failed).toBe(true);
  });

  it("leave out a revoked allotment, and show nothing when none is left", () => {
    const section = balancesSection({ grants: [GRANT, { ...GRANT, id: "alt_2", status: "revoked" }] })!;
    expect([...section.querySelectorAll("[data-allotment-id]")].map((p) => p.getAttribute("data-allotment-id"))).toEqual(["alt_1"]);
    expect(balancesSection({ grants: [{ ...GRANT, status: "revoked" }] })).toBeNull();
  });

  it("show on the page when the store lets subscribers see them", async () => {
    // Given a store that shows balances
    // When the portal loads
    const root = await shown([200, { allotments: [GRANT], cursor: null }]);
    // Then the balance is on the page beside the (empty) subscriptions
    expect(root.querySelector("[data-balances] h3")?.textContent).toBe("My balances");
    expect(root.querySelector('[data-allotment-id="alt_1"]')?.textContent).toBe("4 left · refreshes to 10 on Feb 1, 2027");
    expect(root.querySelector("[data-empty]")).not.toBeNull();
  });

  it("show nothing at all when the store keeps them hidden", async () => {
    // Given a store that does not show balances (its route answers 404)
    const root = await shown([404, { error: "not_found", message: "no such allotment" }]);
    // Then neither balances nor an error about them show
    expect(root.querySelector("[data-balances]")).toBeNull();
    expect(root.querySelector("[data-balances-error]")).toBeNull();
    expect(root.querySelector("[role=alert]")).toBeNull();
  });

  it("say so when they could not be read", async () => {
    const root = await shown([500, { error: "server_error" }]);
    expect(root.querySelector("[data-balances-error]")?.textContent).toMatch(/^Your balances could not be loaded: /);
  });
});
