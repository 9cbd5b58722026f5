import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AdminApi } from "./api/client";
import { ApiError } from "./api/errors";
import { Session } from "./api/session";
import { Failed } from "./components/States";
import { DashboardView } from "./screens/Dashboard";

const NO_RENEWALS = { days: 7, until: "2027-01-08T09:30:00Z", count: 0, more: false, totals: [] };

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

describe("the admin API client", () => {
  it("sends the session as a Bearer token and replaces it when renewed", async () => {
    const fetcher = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get("authorization");
      return auth === "Bearer old" ? reply(200, { token: "new", expires_at: 99 }) : reply(200, { items: [] });
    });
    const session = new Session("old", 10);
    const api = new AdminApi("", session, fetcher as typeof fetch);
    await api.renew();
    expect(session.token).toBe("new");
    await api.get("/admin/subscriptions", { status: "active", cursor: null });
    expect(fetcher.mock.calls[1]![0]).toBe("/admin/subscriptions?status=active");
    expect(new Headers(fetcher.mock.calls[1]![1]!.headers).get("authorization")).toBe("Bearer new");
  });

  it("tells the app once that the session is gone, and sends nothing after", async () => {
    const fetcher = vi.fn(async () => reply(401, { error: "unauthorized", message: "session token: expired" }));
    const api = new AdminApi("", new Session("t", 1), fetcher as typeof fetch);
    const lost = vi.fn();
    api.whenSessionLost(lost);
    await expect(api.get("/admin/config")).rejects.toBeInstanceOf(ApiError);
    await expect(api.get("/admin/config")).rejects.toMatchObject({ code: "unauthorized" });
    expect(lost).toHaveBeenCalledTimes(1);
    expect(lost).toHaveBeenCalledWith("session token: expired");
    expect(fetcher).toHaveBeenCalledTimes(1);
  });

  it("turns a refused connection into a network error", async () => {
    const api = new AdminApi("", new Session("t", 1), (async () => Promise.reject(new TypeError("down"))) as typeof fetch);
    await expect(api.get("/admin/config")).rejects.toMatchObject({ code: "network_error", status: 0 });
  });
});

describe("screens", () => {
  it("show an API error in words with its code", async () => {
    render(<Failed error={new ApiError(409, "cancel_locked", "locked")} />);
    await waitFor(() => expect(screen.getByText(/commitment period/)).toBeTruthy());
    expect(screen.getByText(/\(cancel_locked\)/)).toBeTruthy();
  });

  it("link each dashboard count to its list, with 100+ for a full page", () => {
    const none = { count: 0, more: false };
    render(
      <DashboardView
        data={{
          byStatus: { pending: none, trialing: none, active: { count: 100, more: true }, past_due: { count: 2, more: false }, requires_action: none, paused: none, cancelled: none, expired: none },
          queues: { "failed-charges": { count: 2, more: false }, "requires-action": none, "stuck-workflows": none, "dead-letters": none, "change-requests": none },
          upcoming: NO_RENEWALS,
        }}
      />,
    );
    expect(screen.getByLabelText("Active: 100+").getAttribute("href")).toBe("#/subscriptions?status=active");
    expect(screen.getByLabelText("Failed charges: 2").getAttribute("href")).toBe("#/ops/failed-charges");
  });

  it("show the renewals due this week with their amount, linking to them", () => {
    const none = { count: 0, more: false };
    const statuses = { pending: none, trialing: none, active: { count: 3, more: false }, past_due: none, requires_action: none, paused: none, cancelled: none, expired: none };
    const upcoming = { ...NO_RENEWALS, count: 2, totals: [{ currency: "USD", amount: "75.50" }] };
    render(<DashboardView data={{ byStatus: statuses, queues: { "failed-charges": none, "requires-action": none, "stuck-workflows": none, "dead-letters": none, "change-requests": none }, upcoming }} />);
    expect(screen.getByLabelText("Renewals due: 2").getAttribute("href")).toBe("#/subscriptions?status=active&renews_before=2027-01-09");
    expect(screen.getByText("$75.50")).toBeTruthy();
  });

  it("say so when the store has no subscriptions yet", () => {
    const none = { count: 0, more: false };
    const statuses = { pending: none, trialing: none, active: none, past_due: none, requires_action: none, paused: none, cancelled: none, expired: none };
    render(<DashboardView data={{ byStatus: statuses, queues: { "failed-charges": none, "requires-action": none, "stuck-workflows": none, "dead-letters": none, "change-requests": none }, upcoming: NO_RENEWALS }} />);
    expect(screen.getByText(/No subscriptions yet/)).toBeTruthy();
  });
});
