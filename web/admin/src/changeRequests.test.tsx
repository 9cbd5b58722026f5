import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AdminApi } from "./api/client";
import { Session } from "./api/session";
import type { ChangeRequest } from "./api/types";
import { ChangeRequestTable, changeWords, decisionWords } from "./screens/ChangeRequests";
import { ApiContext } from "./useApi";

const PENDING: ChangeRequest = {
  id: "creq_1",
  subscription_id: "sub_1",
  kind: "cancel",
  change: { when: "immediately" },
  status: "pending",
  requested_by: { actor: "shopper", customer_id: 7 },
  submitted_at: "2027-01-01T09:00:00Z",
  expires_at: "2027-01-04T09:00:00Z",
  decided_by: null,
  decided_at: null,
  reason: null,
  outcome: null,
  finished_at: null,
};

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

// BigDesign renders slowly under jsdom on a busy machine: time is not what this checks.
const WAIT = { timeout: 10_000 };

type Fetcher = (url: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

function renderTable(fetcher: Fetcher, reload = vi.fn()) {
  const api = new AdminApi("", new Session("t", 4_000_000_000), fetcher as typeof fetch);
  render(
    <ApiContext.Provider value={api}>
      <ChangeRequestTable items={[PENDING]} reload={reload} />
    </ApiContext.Provider>,
  );
  return reload;
}

describe("the approval queue", { timeout: 30_000 }, () => {
  it("says what each change asks for", () => {
    expect(changeWords(PENDING)).toBe("immediately");
    expect(changeWords({ kind: "quantity", change: { product_id: 111, quantity: 4 } })).toBe("product 111 to 4");
    expect(changeWords({ kind: "address", change: { address: { street_1: "1 Navy Way", city: "Arlington" } } })).toBe("1 Navy Way, Arlington");
  });

  it("tells an applied change from one a guard refused", () => {
    expect(decisionWords({ ...PENDING, status: "applied" })).toEqual({ ok: true, text: "Cancel: approved and applied." });
    const refused = decisionWords({ ...PENDING, status: "not_applied", outcome: { code: "cancel_locked", message: "2 committed cycle(s) still to be paid" } });
    expect(refused.ok).toBe(false);
    expect(refused.text).toContain("(cancel_locked)");
  });

  it("approves with the reason typed, shows the outcome, and reloads the queue", async () => {
    // Given a pending cancel whose approval the lock refuses
    const fetcher = vi.fn<Fetcher>(async () =>
      reply(200, { ...PENDING, status: "not_applied", outcome: { code: "cancel_locked", message: "2 committed cycle(s) still to be paid" } }),
    );
    const reload = renderTable(fetcher);
    // When the merchant types a reason and approves
    fireEvent.change(await screen.findByLabelText("Reason for creq_1", {}, WAIT), { target: { value: "contract ended" } });
    fireEvent.click(screen.getByRole("button", { name: "Approve" }));
    // Then the approval was sent with the reason, the refusal is shown, and the queue reloads
    await waitFor(() => expect(screen.getByText(/not applied: .*\(cancel_locked\)/)).toBeTruthy(), WAIT);
    const [url, init] = fetcher.mock.calls[0]!;
    expect(String(url)).toBe("/admin/subscriptions/sub_1/change-requests/creq_1/approve");
    expect(JSON.parse(String(init?.body))).toEqual({ reason: "contract ended" });
    expect(reload).toHaveBeenCalled();
  });

  it("shows a refused decision with its code and keeps the queue as it is", async () => {
    const fetcher = vi.fn<Fetcher>(async () => reply(409, { error: "change_request_closed", message: "the change request is rejected" }));
    const reload = renderTable(fetcher);
    fireEvent.click(await screen.findByRole("button", { name: "Reject" }, WAIT));
    await waitFor(() => expect(screen.getByText(/\(change_request_closed\)/)).toBeTruthy(), WAIT);
    expect(String(fetcher.mock.calls[0]![0])).toContain("/creq_1/reject");
    expect(reload).not.toHaveBeenCalled();
  });
});
