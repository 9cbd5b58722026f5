import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AdminApi } from "./api/client";
import { Session } from "./api/session";
import type { Subscription } from "./api/types";
import { SubscriptionChanges } from "./screens/SubscriptionChanges";
import { ApiContext } from "./useApi";

const SUB = {
  id: "sub_1",
  status: "active",
  cadence_label: "Monthly",
  lines: [{ product_id: 111, quantity: 2, name: "Beans" }],
  shipping_address: { first_name: "Ada", city: "London" },
  contract: null,
} as unknown as Subscription;

const PLAN = {
  product_id: 111,
  read_at: "2027-01-01T09:30:00Z",
  error: null,
  plan: { product_id: 111, cadences: [{ label: "Monthly", interval: "month" }, { label: "Weekly", interval: "week" }] },
};

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

// BigDesign renders slowly under jsdom on a busy machine: time is not what this checks.
const WAIT = { timeout: 10_000 };

describe("the subscription's change forms", { timeout: 30_000 }, () => {
  it("keep a refusal on screen when the plan's cadences arrive after it", async () => {
    // Given a page whose plan read is still on its way
    let answerPlan: (r: Response) => void = () => undefined;
    const planRead = new Promise<Response>((resolve) => (answerPlan = resolve));
    const fetcher = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      if (String(url).includes("/admin/plans/")) return planRead;
      if (init?.method === "POST") {
        return reply(422, { error: "invalid_request", message: "quantity", fields: [{ field: "quantity", message: "too small" }] });
      }
      return reply(404, { error: "not_found", message: "" });
    });
    const api = new AdminApi("", new Session("t", 4_000_000_000), fetcher as typeof fetch);
    render(
      <ApiContext.Provider value={api}>
        <SubscriptionChanges sub={SUB} done={() => undefined} />
      </ApiContext.Provider>,
    );
    // When the merchant asks for a quantity the API refuses, before the plan is read
    const form = await screen.findByRole("form", { name: /quantity/i }, WAIT);
    fireEvent.change(within(form).getByLabelText("Quantity"), { target: { value: "0" } });
    fireEvent.click(within(form).getByRole("button", { name: "Change quantity" }));
    await waitFor(() => expect(within(form).getByText(/\(invalid_request\)/)).toBeTruthy(), WAIT);
    // And the plan's cadences arrive
    await act(async () => {
      answerPlan(reply(200, PLAN));
      await planRead;
    });
    // Then the refusal and what they typed are still there
    const after = screen.getByRole("form", { name: /quantity/i });
    expect(within(after).getByText(/\(invalid_request\)/)).toBeTruthy();
    expect((within(after).getByLabelText("Quantity") as HTMLInputElement).value).toBe("0");
  });
});
