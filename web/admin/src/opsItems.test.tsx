import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AdminApi } from "./api/client";
import { Session } from "./api/session";
import type { OpsItem } from "./api/types";
import { opsItemSummary } from "./opsItemWords";
import { OpsItems } from "./screens/OpsItems";
import { ApiContext } from "./useApi";

const item = (id: string, type: string, data: Record<string, unknown>): OpsItem => ({
  id,
  type,
  occurred_at: "2027-01-01T09:00:00Z",
  data,
});

function reply(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
}

// BigDesign renders slowly under jsdom on a busy machine: time is not what this checks.
const WAIT = { timeout: 10_000 };

type Fetcher = (url: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

describe("the ops items list", { timeout: 30_000 }, () => {
  it("says each known item in words, and an unknown one by its type and keys", () => {
    expect(opsItemSummary("plan.invalid", { product_id: 111, error: "no cadence" })).toBe(
      "Product 111 has a plan that was refused: no cadence",
    );
    expect(opsItemSummary("subscription.early_cancel_fee_owed", { subscription_id: "sub_1", amount: "20.00", currency: "USD" })).toBe(
      "Early cancel fee of 20.00 USD owed for subscription sub_1",
    );
    expect(opsItemSummary("gift.refused", { order_id: 5, reason: "not_a_gift", subscription_ids: ["sub_1", "sub_2"] })).toBe(
      "Gift order 5 refused (not_a_gift); subscriptions sub_1, sub_2",
    );
    expect(opsItemSummary("something.new", { a: 1, b: 2 })).toBe("something.new: a, b");
    expect(opsItemSummary("something.new", {})).toBe("something.new");
  });

  it("shows the newest page, then the next one below it on Show more, and stops at the end", async () => {
    // Given two pages of ops items
    const fetcher = vi.fn<Fetcher>(async (url) =>
      String(url).includes("cursor=c1")
        ? reply({ items: [item("2", "something.new", { k: 1 })], next_cursor: null })
        : reply({ items: [item("1", "subscription.cancel_routed", { subscription_id: "sub_9", customer_id: 7, actor: "shopper" })], next_cursor: "c1" }),
    );
    const api = new AdminApi("", new Session("t", 4_000_000_000), fetcher as typeof fetch);
    render(
      <ApiContext.Provider value={api}>
        <OpsItems />
      </ApiContext.Provider>,
    );
    // When the list loads, Then the first page is shown in words
    await screen.findByText(/routed to the legal team/, undefined, WAIT);
    expect(String(fetcher.mock.calls[0]![0])).toContain("/admin/ops/items?limit=25");
    // When Show more is clicked
    fireEvent.click(screen.getByRole("button", { name: "Show more" }));
    // Then the older page is added below the first, with the cursor sent, and no more is offered
    await screen.findByText("something.new: k", undefined, WAIT);
    expect(screen.getByText(/routed to the legal team/)).toBeTruthy();
    expect(String(fetcher.mock.calls[1]![0])).toContain("cursor=c1");
    await waitFor(() => expect(screen.queryByRole("button", { name: "Show more" })).toBeNull(), WAIT);
  });
});
