import { afterEach, describe as group, expect, it } from "vitest";
import { Portal, type Fetch } from "./api";
import type { Subscription } from "./types";
import { PortalView } from "./view";

function sub(id: string): Subscription {
  return {
    id,
    status: "active",
    cadence_label: "Monthly",
    currency: "USD",
    lines: [{ product_id: 111, variant_id: null, name: `Beans ${id}`, quantity: 1, price_inc_tax: "10.00" }],
    next_cycle: 2,
    next_renewal_at: "2026-04-04T09:30:00Z",
    paid_cycles: 1,
    commitment_count: 0,
    shipping_address: null,
    resume_at: null,
    cancel_at: null,
    // A company subscription the buyer only sees: nothing else is asked for it.
    roles: [],
    allowed_actions: ["view"],
    payer_customer_id: 9,
    beneficiary_customer_id: 9,
  };
}

/** The list in two pages, the second behind the cursor "c2"; every list call is recorded. */
function twoPages(asked: string[]): Portal {
  const pages: Record<string, { items: Subscription[]; next_cursor: string | null }> = {
    "": { items: [sub("sub_1"), sub("sub_2")], next_cursor: "c2" },
    c2: { items: [sub("sub_3")], next_cursor: null },
  };
  const fetchImpl: Fetch = async (url) => {
    const parsed = new URL(url);
    if (parsed.pathname !== "/portal/subscriptions") return new Response(JSON.stringify({ values: {}, definitions: [] }));
    asked.push(parsed.search);
    const page = pages[parsed.searchParams.get("cursor") ?? ""];
    if (!page) return new Response(JSON.stringify({ error: "invalid_cursor" }), { status: 400 });
    return new Response(JSON.stringify(page));
  };
  return new Portal({ apiBase: "https://api.test", clientId: "c", fetchToken: async () => "t" }, fetchImpl);
}

const shownIds = (root: HTMLElement) =>
  [...root.querySelectorAll("[data-subscription-id]")].map((a) => a.getAttribute("data-subscription-id"));
const showMore = (root: HTMLElement) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent === "Show more");

afterEach(() => document.body.replaceChildren());

group("A long list", () => {
  it("shows the first page, then the next below it on Show more, until there is no more", async () => {
    // Given a list of two pages
    const asked: string[] = [];
    const root = document.createElement("div");
    document.body.append(root);
    const view = new PortalView(root, twoPages(asked));
    // When the page loads
    await view.load();
    // Then the first page is shown with a Show more
    expect(shownIds(root)).toEqual(["sub_1", "sub_2"]);
    expect(showMore(root)).toBeDefined();
    // When the shopper asks for more
    await view.more();
    // Then the second page follows the first, read with its cursor, and Show more is gone
    expect(shownIds(root)).toEqual(["sub_1", "sub_2", "sub_3"]);
    expect(asked).toEqual(["?limit=100", "?limit=100&cursor=c2"]);
    expect(showMore(root)).toBeUndefined();
  });

  it("reads as many pages again when it reloads after more were shown", async () => {
    // Given a shopper who has shown both pages
    const asked: string[] = [];
    const root = document.createElement("div");
    document.body.append(root);
    const view = new PortalView(root, twoPages(asked));
    await view.load();
    await view.more();
    asked.length = 0;
    // When the list reloads (as it does after an action)
    await view.load();
    // Then both pages are read again and shown
    expect(asked).toEqual(["?limit=100", "?limit=100&cursor=c2"]);
    expect(shownIds(root)).toEqual(["sub_1", "sub_2", "sub_3"]);
  });
});
