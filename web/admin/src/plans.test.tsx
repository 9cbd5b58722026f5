import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AdminApi } from "./api/client";
import { Session } from "./api/session";
import { Plans } from "./screens/Plans";
import { ApiContext } from "./useApi";

const VIEW = {
  product_id: 111,
  read_at: "2027-01-01T09:30:00Z",
  error: null,
  plan: { product_id: 111, cadences: [{ label: "Monthly", interval: "month", interval_count: 1, discount_percent: "0", retired: false }], tiers: [{ min_quantity: 3, discount_percent: "5" }] },
};

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function open(put: (body: Record<string, unknown>) => Response) {
  const sent: Array<Record<string, unknown>> = [];
  const fetcher = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    if (init?.method !== "PUT") return reply(200, VIEW);
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    sent.push(body);
    return put(body);
  });
  const api = new AdminApi("", new Session("t", 4_000_000_000), fetcher as typeof fetch);
  render(
    <ApiContext.Provider value={api}>
      <Plans productId={111} />
    </ApiContext.Provider>,
  );
  return sent;
}

// BigDesign renders slowly under jsdom on a busy machine: time is not what these tests check.
const SLOW = { timeout: 30_000 };
const WAIT = { timeout: 10_000 };

describe("the plan form", SLOW, () => {
  it("shows each of the API's reasons beside its field and the rest above the form", async () => {
    // Given the plan's form, and an API that refuses the tier and the plan as a whole
    open(() =>
      reply(422, {
        error: "invalid_plan",
        message: "tiers.0.min_quantity: too small",
        fields: [
          { field: ["tiers", 0, "min_quantity"], message: "Input should be greater than or equal to 2" },
          { field: [], message: "Value error, cadence labels must be distinct" },
        ],
      }),
    );
    await screen.findByRole("group", { name: "Tier 1" }, WAIT);
    // When the merchant saves
    fireEvent.click(screen.getByRole("button", { name: "Save plan" }));
    // Then the tier's reason is in the tier's row, and the plan-wide one in the message on top
    const tier = screen.getByRole("group", { name: "Tier 1" });
    await waitFor(() => expect(within(tier).getByText(/greater than or equal to 2/)).toBeTruthy(), WAIT);
    expect(screen.getByText(/cadence labels must be distinct/)).toBeTruthy();
    expect(within(screen.getByRole("group", { name: "Cadence 1" })).queryByText(/Input should/)).toBeNull();
    expect(screen.getByText(/\(invalid_plan\)/)).toBeTruthy();
  });

  it("adds a cadence and removes a tier before sending the plan", async () => {
    // Given the plan's form
    const sent = open((body) => reply(200, { ...body, product_id: 111 }));
    await screen.findByRole("group", { name: "Tier 1" }, WAIT);
    // When the merchant adds a weekly cadence, removes the tier and saves
    fireEvent.click(screen.getByRole("button", { name: "Add a cadence" }));
    const second = screen.getByRole("group", { name: "Cadence 2" });
    fireEvent.change(within(second).getByLabelText("Label"), { target: { value: "Weekly" } });
    fireEvent.click(screen.getByRole("button", { name: "Remove tier 1" }));
    expect(screen.queryByRole("group", { name: "Tier 1" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Save plan" }));
    // Then the plan sent has both cadences and no tier
    await screen.findByText(/The plan is set in BigCommerce/, undefined, WAIT);
    expect(sent).toHaveLength(1);
    expect((sent[0]!.cadences as Array<{ label: string }>).map((c) => c.label)).toEqual(["Monthly", "Weekly"]);
    expect(sent[0]!.tiers).toEqual([]);
  });
});
