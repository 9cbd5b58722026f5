import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { blankGrant, cadenceWords, debitBody, grantBody, quantity, withUnit } from "./allotmentForm";
import { AdminApi } from "./api/client";
import { ApiError, describeError } from "./api/errors";
import { Session } from "./api/session";
import type { AllotmentDebit, Grant } from "./api/types";
import { href, parseRoute } from "./router";
import { Allotments, GrantDetail, GrantEditor } from "./screens/Allotments";
import { ApiContext } from "./useApi";

type Fetcher = (url: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
// BigDesign renders slowly under jsdom on a busy machine: time is not what this checks.
const WAIT = { timeout: 10_000 };

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function withApi(fetcher: Fetcher, ui: React.ReactNode) {
  const api = new AdminApi("", new Session("t", 4_000_000_000), fetcher as typeof fetch);
  render(<ApiContext.Provider value={api}>{ui}</ApiContext.Provider>);
}

function calls(fetcher: ReturnType<typeof vi.fn<Fetcher>>): Array<{ url: string; method: string; body: unknown }> {
  return fetcher.mock.calls.map(([url, init]) => ({
    url: String(url),
    method: String(init?.method ?? "GET"),
    body: init?.body ? JSON.parse(String(init.body)) : undefined,
  }));
}

const GRANT: Grant = {
  id: "alt_1",
  customer_id: 7,
  unit: "count",
  currency_code: null,
  amount_per_period: "10",
  balance: "4",
  available: "4",
  rollover: "cap_to_one_period",
  overdraft_limit: null,
  cadence: { interval: "month", interval_count: 1 },
  period: 2,
  next_refresh_at: "2027-02-01T00:00:00Z",
  status: "active",
  granted_by: { kind: "merchant", id: "1" },
  reason: "loyalty",
  order_debit: "item_count",
  product_ids: [],
  subscription_id: null,
  custom_fields: {},
  created_at: "2027-01-01T00:00:00Z",
  updated_at: "2027-01-10T00:00:00Z",
};

const DEBIT: AllotmentDebit = {
  id: "dbt_1",
  grant_id: "alt_1",
  amount: "6",
  requested_amount: "6",
  source: { kind: "order", id: "101" },
  reason: "",
  created_at: "2027-01-10T00:00:00Z",
  reversed_at: null,
  reversal_reason: null,
  reversed_amount: "0",
  remaining: "6",
  reversals: [],
};

describe("the allotment form's logic", () => {
  it("sends a currency grant with its code upper-cased, its amounts as decimal strings and its cadence", () => {
    // Given a currency grant typed in
    const form = { ...withUnit(blankGrant(), "currency"), customer_id: "7", currency_code: "usd", amount_per_period: "25.50", overdraft_limit: "5", order_debit: "order_total" as const, reason: " gift " };
    // When it becomes the body
    const made = grantBody(form);
    // Then every value is as the API takes it
    expect(made).toEqual({
      body: {
        customer_id: 7,
        unit: "currency",
        currency_code: "USD",
        amount_per_period: "25.50",
        cadence: { interval: "month", interval_count: 1 },
        rollover: "none",
        overdraft_limit: "5",
        order_debit: "order_total",
        reason: "gift",
      },
    });
  });

  it("names each field it cannot send and sends nothing", () => {
    // Given a currency grant with no customer, no code and no amount
    const form = { ...withUnit(blankGrant(), "currency"), interval_count: "0" };
    // When / Then
    const made = grantBody(form);
    expect("errors" in made && made.errors.map((e) => e.field)).toEqual(["customer_id", "currency_code", "amount_per_period", "cadence.interval_count"]);
  });

  it("sends a one-off grant without a cadence and a count without a currency code", () => {
    const made = grantBody({ ...blankGrant(), customer_id: "9", amount_per_period: "3", interval: "", currency_code: "EUR" });
    expect("body" in made && made.body).toMatchObject({ cadence: null, currency_code: null, overdraft_limit: null });
  });

  it("drops an order debit the new unit does not allow when the unit changes", () => {
    // Given a count grant debited per item
    const form = { ...blankGrant(), order_debit: "item_count" as const };
    // When it becomes minutes, or money
    // Then no order debits it any more
    expect(withUnit(form, "duration_minutes").order_debit).toBe("none");
    expect(withUnit(form, "currency").order_debit).toBe("none");
    expect(withUnit(form, "count").order_debit).toBe("item_count");
  });

  it("refuses a manual debit that is not an amount above zero", () => {
    expect(debitBody("0", "", "k")).toEqual({ errors: [{ field: "amount", message: "enter an amount above zero" }] });
    expect(debitBody("two", "", "k")).toHaveProperty("errors");
    expect(debitBody(" 2 ", " fix ", "k")).toEqual({ body: { amount: "2", reason: "fix", idempotency_key: "k" } });
  });

  it("reads amounts in the grant's unit and cadences in words", () => {
    expect(quantity({ unit: "currency", currency_code: "USD" }, "12.5")).toBe("$12.50");
    expect(quantity({ unit: "duration_minutes", currency_code: null }, "90.00")).toBe("90 min");
    expect(quantity({ unit: "count", currency_code: null }, "4")).toBe("4");
    expect(cadenceWords(null)).toBe("Once, no refresh");
    expect(cadenceWords({ interval: "week", interval_count: 2 })).toBe("Every 2 weeks");
  });

  it("puts every refusal the allotment routes answer in words of its own", () => {
    // Given each code the allotment routes refuse with, and a server message that is not words
    const codes = ["customer_not_in_store", "invalid_amount", "allotment_not_active", "insufficient_balance", "debit_already_reversed", "invalid_cursor", "bigcommerce_unavailable"];
    // When / Then none falls back to the server's own message
    for (const code of codes) expect(describeError(new ApiError(409, code, "raw server text"))).not.toBe("raw server text");
  });

  it("keeps the customer filter in the URL and drops one that is not an id", () => {
    expect(href(parseRoute("#/allotments?customer_id=7"))).toBe("#/allotments?customer_id=7");
    expect(parseRoute("#/allotments?customer_id=x")).toEqual({ screen: "allotments" });
    expect(parseRoute("#/allotments")).toEqual({ screen: "allotments" });
  });
});

describe("the grant form", { timeout: 30_000 }, () => {
  it("shows the API's refusal in words with its code, by field", async () => {
    // Given an API that refuses the amount
    const fetcher = vi.fn<Fetcher>(async () =>
      reply(422, { error: "invalid_request", fields: [{ field: "amount_per_period", message: "a count is a whole number" }] }),
    );
    withApi(fetcher, <GrantEditor granted={() => undefined} />);
    // When a grant is sent
    fireEvent.change(screen.getByLabelText("Customer id"), { target: { value: "7" } });
    fireEvent.change(screen.getByLabelText("Amount per period"), { target: { value: "1.5" } });
    fireEvent.click(screen.getByRole("button", { name: "Grant" }));
    // Then the words, the code and the field's reason show
    await screen.findByText(/Some values are not valid.*\(invalid_request\)/, {}, WAIT);
    expect(screen.getAllByText(/a count is a whole number/).length).toBeGreaterThan(0);
    expect(calls(fetcher)[0]).toMatchObject({ url: "/admin/allotments", method: "POST", body: { customer_id: 7, unit: "count", amount_per_period: "1.5" } });
  });

  it("sends nothing while the form names a missing field", async () => {
    const fetcher = vi.fn<Fetcher>(async () => reply(201, GRANT));
    withApi(fetcher, <GrantEditor granted={() => undefined} />);
    fireEvent.click(screen.getByRole("button", { name: "Grant" }));
    // The reason shows under the field and in the message that lists every field.
    expect((await screen.findAllByText(/enter the customer's id/, {}, WAIT)).length).toBeGreaterThan(0);
    expect(fetcher).not.toHaveBeenCalled();
  });

  it("hands the new grant on once granted", async () => {
    const granted = vi.fn();
    const fetcher = vi.fn<Fetcher>(async () => reply(201, GRANT));
    withApi(fetcher, <GrantEditor initialCustomer={7} granted={granted} />);
    fireEvent.change(screen.getByLabelText("Amount per period"), { target: { value: "10" } });
    fireEvent.click(screen.getByRole("button", { name: "Grant" }));
    await screen.findByText("Granted to customer #7: 4 available now.", {}, WAIT);
    expect(granted).toHaveBeenCalledWith(GRANT);
  });
});

describe("one allotment", { timeout: 30_000 }, () => {
  function routes(over: Record<string, () => Response> = {}): ReturnType<typeof vi.fn<Fetcher>> {
    return vi.fn<Fetcher>(async (url, init) => {
      const key = `${init?.method ?? "GET"} ${String(url).split("?")[0]}`;
      const answer = over[key];
      if (answer) return answer();
      if (key === "GET /admin/allotments/alt_1") return reply(200, GRANT);
      if (key === "GET /admin/allotments/alt_1/debits") return reply(200, { debits: [DEBIT] });
      return reply(404, { error: "no_route" });
    });
  }

  it("shows its balance, what is available and its debits", async () => {
    withApi(routes(), <GrantDetail id="alt_1" changed={() => undefined} />);
    await screen.findByText("order #101", {}, WAIT);
    expect(document.querySelector('[data-fact="Available"]')?.textContent).toBe("4");
    expect(document.querySelector('[data-fact="Refresh"]')?.textContent).toBe("Every month");
    expect(screen.getByRole("button", { name: "Suspend" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Resume" })).toBeNull();
  });

  it("shows a debit beyond the balance refused in words with its code", async () => {
    // Given an API that refuses the debit
    const fetcher = routes({
      "POST /admin/allotments/alt_1/debits": () => reply(409, { error: "insufficient_balance", message: "debit of 9 exceeds the available 4" }),
    });
    const changed = vi.fn();
    withApi(fetcher, <GrantDetail id="alt_1" changed={changed} />);
    await screen.findByText("order #101", {}, WAIT);
    // When the merchant debits more than is available
    fireEvent.change(screen.getByLabelText("Debit amount"), { target: { value: "9" } });
    fireEvent.click(screen.getByRole("button", { name: "Debit" }));
    // Then the refusal shows, and nothing reloads
    await screen.findByText(/more than the allotment has available.*\(insufficient_balance\)/, {}, WAIT);
    const debit = calls(fetcher).find((c) => c.method === "POST")!;
    expect(debit.body).toMatchObject({ amount: "9", reason: "" });
    expect(typeof (debit.body as { idempotency_key: unknown }).idempotency_key).toBe("string");
    expect(changed).not.toHaveBeenCalled();
  });

  it("reverses a debit and suspends the grant with the reason typed", async () => {
    const fetcher = routes({
      "POST /admin/allotments/alt_1/debits/dbt_1/reverse": () => reply(200, { ...GRANT, balance: "10", available: "10" }),
      "POST /admin/allotments/alt_1/suspend": () => reply(200, { ...GRANT, status: "suspended" }),
    });
    withApi(fetcher, <GrantDetail id="alt_1" changed={() => undefined} />);
    await screen.findByText("order #101", {}, WAIT);
    fireEvent.click(screen.getByRole("button", { name: "Reverse" }));
    await screen.findByText("The debit of 6 is reversed.", {}, WAIT);
    fireEvent.change(screen.getByLabelText("Reason (for any action below)"), { target: { value: "fraud check" } });
    fireEvent.click(screen.getByRole("button", { name: "Suspend" }));
    await screen.findByText(/Suspended: no debits/, {}, WAIT);
    const posts = calls(fetcher).filter((c) => c.method === "POST");
    expect(posts.map((p) => [p.url, p.body])).toEqual([
      ["/admin/allotments/alt_1/debits/dbt_1/reverse", { reason: "" }],
      ["/admin/allotments/alt_1/suspend", { reason: "fraud check" }],
    ]);
  });

  it("shows a second reversal refused with its code", async () => {
    const fetcher = routes({
      "POST /admin/allotments/alt_1/debits/dbt_1/reverse": () => reply(409, { error: "debit_already_reversed", message: "this debit was reversed already" }),
    });
    withApi(fetcher, <GrantDetail id="alt_1" changed={() => undefined} />);
    await screen.findByText("order #101", {}, WAIT);
    fireEvent.click(screen.getByRole("button", { name: "Reverse" }));
    await waitFor(() => expect(screen.getByText(/already reversed.*\(debit_already_reversed\)/)).toBeTruthy(), WAIT);
  });
});

describe("the allotments list", { timeout: 30_000 }, () => {
  it("lists one customer's grants and pages on with the cursor it was handed", async () => {
    // Given two pages of customer 7's grants
    const fetcher = vi.fn<Fetcher>(async (url) => {
      const cursor = new URL(String(url), "https://x").searchParams.get("cursor");
      return cursor === "c2"
        ? reply(200, { allotments: [{ ...GRANT, id: "alt_2", balance: "1", available: "1" }], cursor: null })
        : reply(200, { allotments: [GRANT], cursor: "c2" });
    });
    withApi(fetcher, <Allotments customerId={7} />);
    await screen.findByRole("button", { name: "Open" }, WAIT);
    // When the next page is asked for
    fireEvent.click(screen.getByRole("button", { name: "Next" }));
    // Then the list reads it with the customer filter and the cursor
    await waitFor(() => expect(fetcher).toHaveBeenCalledTimes(2), WAIT);
    const [first, second] = calls(fetcher).map((c) => new URL(c.url, "https://x"));
    expect(first!.searchParams.get("customer_id")).toBe("7");
    expect(first!.searchParams.get("cursor")).toBeNull();
    expect(second!.searchParams.get("customer_id")).toBe("7");
    expect(second!.searchParams.get("cursor")).toBe("c2");
  });
});
