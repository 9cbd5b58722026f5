import { afterEach, describe as group, expect, it } from "vitest";
import { Portal, type Fetch } from "./api";
import type { Subscription } from "./types";
import { PortalView } from "./view";

const SUB: Subscription = {
  id: "sub_1",
  status: "active",
  cadence_label: "Monthly",
  currency: "USD",
  lines: [{ product_id: 111, variant_id: null, name: "Coffee beans", quantity: 2, price_inc_tax: "25.00" }],
  next_cycle: 2,
  next_renewal_at: "2026-04-04T09:30:00Z",
  paid_cycles: 1,
  commitment_count: 0,
  shipping_address: { first_name: "Ada", zip: "78701" },
  resume_at: null,
  cancel_at: null,
  // The owner who pays for and receives it: every action is theirs.
  roles: ["beneficiary", "owner", "payer"],
  allowed_actions: ["cancel", "change_address", "change_cadence", "change_card", "change_quantity", "edit_custom_fields", "pause", "resume", "retry_payment", "skip", "swap_variant", "view", "withdraw_cancel"],
  payer_customer_id: 7,
  beneficiary_customer_id: 7,
};
const CARD = { token: "tok_1", type: "stored_card", brand: "visa", last_4: "4242", expiry_month: 12, expiry_year: 2029, is_default: true };

interface Sent {
  method: string;
  url: string;
  body: string | undefined;
}

/** A portal API that answers from `routes` ("METHOD /path" -> status and body). */
function api(routes: Record<string, [number, unknown]>, sent: Sent[]): Portal {
  const fetchImpl: Fetch = async (url, init) => {
    const method = init?.method ?? "GET";
    const path = url.replace("https://api.test", "").split("?")[0]!;
    sent.push({ method, url: path, body: init?.body as string | undefined });
    const [status, body] = routes[`${method} ${path}`] ?? [404, { error: "no_route" }];
    return new Response(JSON.stringify(body), { status });
  };
  return new Portal({ apiBase: "https://api.test", clientId: "c", fetchToken: async () => "t" }, fetchImpl);
}

async function shown(routes: Record<string, [number, unknown]>, sent: Sent[] = []): Promise<HTMLElement> {
  const root = document.createElement("div");
  document.body.append(root);
  await new PortalView(root, api(routes, sent)).load();
  return root;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const button = (root: HTMLElement, text: string) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent === text)!;

afterEach(() => document.body.replaceChildren());

group("My subscriptions", () => {
  it("lists each subscription with its status, cadence, next renewal and the actions it allows", async () => {
    // Given / When
    const root = await shown({
      "GET /portal/subscriptions": [200, { items: [SUB] }],
      "GET /portal/payment-methods": [200, { items: [CARD] }],
    });
    // Then
    const article = root.querySelector("[data-subscription-id=sub_1]")!;
    expect(article.getAttribute("data-status")).toBe("active");
    expect(article.textContent).toContain("Coffee beans × 2");
    expect(article.textContent).toContain("Active · Monthly · next renewal Apr 4, 2026 · 50.00 USD");
    expect(button(root, "Skip next delivery")).toBeDefined();
    expect(button(root, "Resume")).toBeUndefined();
    expect(root.querySelector("[data-card='4242']")!.textContent).toContain("Visa ending 4242, expires 12/2029 (default)");
  });

  it("says so when the shopper has none, and offers no payment section", async () => {
    const root = await shown({ "GET /portal/subscriptions": [200, { items: [] }] });
    expect(root.querySelector("[data-empty]")!.textContent).toBe("You have no subscriptions yet.");
    expect(root.querySelector(".bcs-payment")).toBeNull();
  });

  it("offers Resume, not Skip or Pause, on a paused subscription", async () => {
    const paused = { ...SUB, status: "paused", resume_at: "2026-05-01T00:00:00Z" };
    const root = await shown({
      "GET /portal/subscriptions": [200, { items: [paused] }],
      "GET /portal/payment-methods": [200, { items: [] }],
    });
    expect(button(root, "Resume")).toBeDefined();
    expect(button(root, "Skip next delivery")).toBeUndefined();
    expect(root.textContent).toContain("Paused until May 1, 2026.");
    expect(root.textContent).toContain("You have no saved cards.");
  });

  it("skips the next delivery and says so", async () => {
    // Given
    const sent: Sent[] = [];
    const root = await shown(
      {
        "GET /portal/subscriptions": [200, { items: [SUB] }],
        "GET /portal/payment-methods": [200, { items: [] }],
        "POST /portal/subscriptions/sub_1/skip": [200, SUB],
      },
      sent,
    );
    // When
    button(root, "Skip next delivery").click();
    await settle();
    await settle();
    // Then
    expect(sent.some((s) => s.method === "POST" && s.url.endsWith("/skip"))).toBe(true);
    expect(root.querySelector("[data-notice]")!.textContent).toBe("The next delivery is skipped.");
  });

  it("cancels at period end when the shopper picks it, and shows the fee owed", async () => {
    // Given
    const sent: Sent[] = [];
    const answer = { ...SUB, cancel_at: "2026-04-04T09:30:00Z", early_cancel_fee: "25.00" };
    const root = await shown(
      {
        "GET /portal/subscriptions": [200, { items: [SUB] }],
        "GET /portal/payment-methods": [200, { items: [] }],
        "POST /portal/subscriptions/sub_1/cancel": [200, answer],
      },
      sent,
    );
    // When the shopper opens the cancel flow, picks the period end and confirms
    button(root, "Cancel subscription…").click();
    (root.querySelector("input[value=period_end]") as HTMLInputElement).click();
    button(root, "Confirm cancellation").click();
    await settle();
    await settle();
    // Then
    expect(sent.find((s) => s.url.endsWith("/cancel"))!.body).toBe('{"when":"period_end"}');
    expect(root.querySelector("[data-notice]")!.textContent).toBe(
      "Your subscription ends on Apr 4, 2026; it will not renew. An early cancellation fee of 25.00 USD is owed.",
    );
  });

  it("keeps the shopper's cancel choice when the page redraws while the flow is open", async () => {
    // Given the cancel flow open with the period end picked
    const sent: Sent[] = [];
    const answer = { ...SUB, cancel_at: "2026-04-04T09:30:00Z", early_cancel_fee: null };
    const root = document.createElement("div");
    document.body.append(root);
    const view = new PortalView(
      root,
      api(
        {
          "GET /portal/subscriptions": [200, { items: [SUB] }],
          "GET /portal/payment-methods": [200, { items: [] }],
          "POST /portal/subscriptions/sub_1/cancel": [200, answer],
        },
        sent,
      ),
    );
    await view.load();
    button(root, "Cancel subscription…").click();
    (root.querySelector("input[value=period_end]") as HTMLInputElement).click();
    // When a reload lands and redraws the page before the shopper confirms
    await view.load();
    expect((root.querySelector("input[value=period_end]") as HTMLInputElement).checked).toBe(true);
    button(root, "Confirm cancellation").click();
    await settle();
    await settle();
    // Then what they picked is what is sent
    expect(sent.find((s) => s.url.endsWith("/cancel"))!.body).toBe('{"when":"period_end"}');
  });

  it("shows the API's refusal in words and keeps the subscription on the page", async () => {
    // Given a commitment that locks the cancel
    const root = await shown({
      "GET /portal/subscriptions": [200, { items: [SUB] }],
      "GET /portal/payment-methods": [200, { items: [] }],
      "POST /portal/subscriptions/sub_1/cancel": [
        409,
        { error: "cancel_locked", message: "locked", earliest_cancel_at: "2026-09-04T09:30:00Z", remaining_cycles: 5 },
      ],
    });
    // When
    button(root, "Cancel subscription…").click();
    button(root, "Confirm cancellation").click();
    await settle();
    // Then
    const alert = root.querySelector("[role=alert]")!;
    expect(alert.getAttribute("data-error-code")).toBe("cancel_locked");
    expect(alert.textContent).toContain("you can cancel from Sep 4, 2026 (5 more renewals)");
    expect(root.querySelector("[data-subscription-id=sub_1]")).not.toBeNull();
  });

  it("sends the address fields entered and another stored card when chosen", async () => {
    // Given
    const sent: Sent[] = [];
    const root = await shown(
      {
        "GET /portal/subscriptions": [200, { items: [SUB] }],
        "GET /portal/payment-methods": [200, { items: [CARD] }],
        "PUT /portal/subscriptions/sub_1/shipping-address": [200, SUB],
        "PUT /portal/payment-method": [200, { items: [SUB] }],
      },
      sent,
    );
    // When
    (root.querySelector("[name=street_1]") as HTMLInputElement).value = "2 High St";
    button(root, "Save address").click();
    await settle();
    await settle();
    button(root, "Use Visa ending 4242, expires 12/2029").click();
    await settle();
    // Then
    expect(JSON.parse(sent.find((s) => s.url.endsWith("/shipping-address"))!.body!)).toEqual({
      first_name: "Ada",
      street_1: "2 High St",
      zip: "78701",
    });
    expect(sent.find((s) => s.url === "/portal/payment-method")!.body).toBe('{"instrument_token":"tok_1"}');
  });

  it("asks a guest to sign in", async () => {
    const root = document.createElement("div");
    const portal = new Portal(
      { apiBase: "https://api.test", clientId: "c" },
      async () => new Response("", { status: 404 }),
    );
    await new PortalView(root, portal).load();
    expect(root.querySelector("[data-error-code=not_signed_in]")!.textContent).toBe(
      "Sign in to your account to see your subscriptions.",
    );
  });
});
