import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AdminApi } from "./api/client";
import { Session } from "./api/session";
import type { AllotmentDebit, Grant } from "./api/types";
import { givenBackWords, remains, reverseLabel, reversedWords } from "./debitReversals";
import { GrantDetail } from "./screens/Allotments";
import { ApiContext } from "./useApi";

type Fetcher = (url: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
// BigDesign renders slowly under jsdom on a busy machine: time is not what this checks.
const WAIT = { timeout: 10_000 };

const COUNT = { unit: "count", currency_code: null } as const;
const WALLET = { unit: "currency", currency_code: "USD" } as const;

const GRANT: Grant = {
  id: "alt_1",
  customer_id: 7,
  ...COUNT,
  amount_per_period: "10",
  balance: "8",
  available: "8",
  rollover: "none",
  overdraft_limit: null,
  cadence: null,
  period: 1,
  next_refresh_at: null,
  status: "active",
  granted_by: { kind: "merchant", id: "1" },
  reason: "",
  order_debit: "item_count",
  product_ids: [],
  subscription_id: null,
  custom_fields: {},
  created_at: "2027-01-01T00:00:00Z",
  updated_at: "2027-01-10T00:00:00Z",
};

const UNTOUCHED: AllotmentDebit = {
  id: "ald_order_101",
  grant_id: "alt_1",
  amount: "5",
  requested_amount: "5",
  source: { kind: "order", id: "101" },
  reason: "",
  created_at: "2027-01-10T00:00:00Z",
  reversed_at: null,
  reversal_reason: null,
  reversed_amount: "0",
  remaining: "5",
  reversals: [],
};

const PARTLY: AllotmentDebit = {
  ...UNTOUCHED,
  reversed_amount: "3",
  remaining: "2",
  reversals: [{ source: "refund", refund_id: 12, amount: "3", at: "2027-01-12T09:30:00Z" }],
};

const WHOLLY: AllotmentDebit = {
  ...PARTLY,
  reversed_amount: "5",
  remaining: "0",
  reversed_at: "2027-01-13T10:00:00Z",
  reversal_reason: "goodwill",
  reversals: [...PARTLY.reversals, { source: "merchant", refund_id: null, amount: "2", at: "2027-01-13T10:00:00Z" }],
};

describe("what has come back of a debit, in words", () => {
  it("says nothing came back of an untouched debit, and offers to reverse all of it", () => {
    expect(givenBackWords(GRANT, UNTOUCHED)).toBe("Nothing given back");
    expect([remains(UNTOUCHED), reverseLabel(GRANT, UNTOUCHED)]).toEqual([true, "Reverse"]);
  });

  it("names the refund that gave back part of a debit, when, and what remains to reverse", () => {
    expect(givenBackWords(GRANT, PARTLY)).toBe("3 of 5 given back by refund 12 on Jan 12, 2027, 9:30 AM UTC; 2 remaining");
    expect(reverseLabel(GRANT, PARTLY)).toBe("Reverse the remaining 2");
    expect(reversedWords(GRANT, PARTLY)).toBe("The remaining 2 of the debit of 5 is given back.");
  });

  it("lists every part once several gave it back, and offers nothing once nothing remains", () => {
    expect(givenBackWords(GRANT, WHOLLY)).toBe(
      "5 of 5 given back: 3 by refund 12 on Jan 12, 2027, 9:30 AM UTC, 2 by the merchant on Jan 13, 2027, 10:00 AM UTC; nothing remaining",
    );
    expect(remains(WHOLLY)).toBe(false);
  });

  it("reads a wallet's parts in its currency", () => {
    const debit = { ...PARTLY, amount: "25.00", reversed_amount: "12.50", remaining: "12.50", reversals: [{ ...PARTLY.reversals[0]!, amount: "12.50", at: null }] };
    expect(givenBackWords(WALLET, debit)).toBe("$12.50 of $25.00 given back by refund 12; $12.50 remaining");
  });
});

describe("the debits of one allotment", { timeout: 30_000 }, () => {
  function shown(debits: AllotmentDebit[]): ReturnType<typeof vi.fn<Fetcher>> {
    const fetcher = vi.fn<Fetcher>(async (url, init) => {
      const key = `${init?.method ?? "GET"} ${String(url).split("?")[0]}`;
      const body =
        key === "GET /admin/allotments/alt_1"
          ? GRANT
          : key === "GET /admin/allotments/alt_1/debits"
            ? { debits }
            : key === "POST /admin/allotments/alt_1/debits/ald_order_101/reverse"
              ? { ...GRANT, balance: "10", available: "10" }
              : null;
      return new Response(JSON.stringify(body ?? { error: "no_route" }), { status: body ? 200 : 404 });
    });
    const api = new AdminApi("", new Session("t", 4_000_000_000), fetcher as typeof fetch);
    render(
      <ApiContext.Provider value={api}>
        <GrantDetail id="alt_1" changed={() => undefined} />
      </ApiContext.Provider>,
    );
    return fetcher;
  }

  it("show a partly refunded debit's refund and offer to reverse only what remains", async () => {
    // Given a debit of 5 of which refund 12 gave back 3
    const fetcher = shown([PARTLY]);
    // When the merchant reverses what remains
    const button = await screen.findByRole("button", { name: "Reverse the remaining 2" }, WAIT);
    expect(document.querySelector('[data-given-back="ald_order_101"]')?.textContent).toBe(givenBackWords(GRANT, PARTLY));
    fireEvent.click(button);
    // Then the reverse is asked for, and the outcome says only the remaining 2 came back
    await screen.findByText("The remaining 2 of the debit of 5 is given back.", {}, WAIT);
    const posts = fetcher.mock.calls.filter(([, init]) => init?.method === "POST").map(([url]) => String(url));
    expect(posts).toEqual(["/admin/allotments/alt_1/debits/ald_order_101/reverse"]);
  });

  it("hide the reverse action of a debit with nothing remaining", async () => {
    // Given a debit wholly given back, by a refund and the merchant
    shown([WHOLLY]);
    // When it shows
    await screen.findByText(/^5 of 5 given back: /, {}, WAIT);
    // Then there is nothing to reverse
    expect(screen.queryByRole("button", { name: /^Reverse/ })).toBeNull();
    expect(screen.getByText(/^reversed /)).toBeTruthy();
  });
});
