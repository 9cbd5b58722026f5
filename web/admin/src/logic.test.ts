import { describe, expect, it } from "vitest";
import { availableActions } from "./actions";
import { describeError, errorFor, parseErrorBody } from "./api/errors";
import { renewDelayMs, RENEW_MARGIN_S } from "./api/session";
import { readBoot, startHash } from "./boot";
import { countLabel, renewalTotal } from "./format";
import { currentCursor, FIRST, next, previous } from "./paging";
import { href, parseRoute } from "./router";
import { toForm, toOverrides, withPreset, type Config } from "./settingsForm";

describe("routes", () => {
  it("reads every screen from the hash and writes it back the same", () => {
    const hashes = [
      "#/",
      "#/subscriptions",
      "#/subscriptions?status=paused",
      "#/subscriptions/sub_1",
      "#/ops/dead-letters",
      "#/settings",
      "#/webhooks",
      "#/webhooks/ep_1",
      "#/plans",
      "#/plans/111",
    ];
    for (const hash of hashes) expect(href(parseRoute(hash))).toBe(hash);
  });

  it("treats an unknown status as no filter and an unknown screen as not found", () => {
    expect(parseRoute("#/subscriptions?status=bogus")).toEqual({ screen: "subscriptions" });
    expect(parseRoute("#/ops/nothing").screen).toBe("not_found");
    expect(parseRoute("#/subscriptions/a/b").screen).toBe("not_found");
    expect(parseRoute("")).toEqual({ screen: "dashboard" });
    expect(parseRoute("#/plans/abc").screen).toBe("not_found");
  });
});

describe("cursor paging", () => {
  it("goes forward with the answer's cursor and back through the ones seen", () => {
    const second = next(FIRST, "c2");
    const third = next(second, "c3");
    expect(currentCursor(third)).toBe("c3");
    expect(currentCursor(previous(third))).toBe("c2");
    expect(currentCursor(previous(previous(third)))).toBeNull();
    expect(next(third, null)).toBe(third);
    expect(previous(FIRST)).toBe(FIRST);
  });

  it("forgets the pages ahead when going forward from an earlier one", () => {
    const back = previous(next(next(FIRST, "c2"), "c3"));
    expect(next(back, "other").cursors).toEqual([null, "c2", "other"]);
  });
});

describe("session renewal", () => {
  it("renews the margin before expiry, and at once inside it", () => {
    const expiresAt = 10_000;
    expect(renewDelayMs(expiresAt, (expiresAt - RENEW_MARGIN_S - 60) * 1000)).toBe(60_000);
    expect(renewDelayMs(expiresAt, (expiresAt - 10) * 1000)).toBe(0);
  });
});

describe("the page's boot data", () => {
  function page(text: string): Document {
    const doc = document.implementation.createHTMLDocument("t");
    const script = doc.createElement("script");
    script.id = "bcs-boot";
    script.type = "application/json";
    script.textContent = text;
    doc.head.appendChild(script);
    return doc;
  }

  it("is read when complete and refused when missing, broken or incomplete", () => {
    const good = { store_hash: "s", user_id: 1, session: "t", expires_at: 5, api_base: "" };
    expect(readBoot(page(JSON.stringify(good)))).toEqual(good);
    expect(readBoot(page("{not json"))).toBeNull();
    expect(readBoot(page(JSON.stringify({ ...good, session: 3 })))).toBeNull();
    expect(readBoot(document.implementation.createHTMLDocument("empty"))).toBeNull();
  });

  it("opens on onboarding right after install unless the address names a screen", () => {
    // Given the install callback's boot data, which asks to start on onboarding
    const installed = { store_hash: "s", user_id: 1, session: "t", expires_at: 5, api_base: "", start: "onboarding" as const };
    // When the page has no screen in its address, then onboarding opens; a named one stays
    expect(startHash(installed, "")).toBe("#/onboarding");
    expect(startHash(installed, "#")).toBe("#/onboarding");
    expect(startHash(installed, "#/plans")).toBeNull();
    // And a page from /load, which names no start, opens where it is
    expect(startHash({ ...installed, start: undefined }, "")).toBeNull();
    // And an unknown start is refused like any broken boot data
    expect(readBoot(page(JSON.stringify({ ...installed, start: "elsewhere" })))).toBeNull();
    expect(readBoot(page(JSON.stringify(installed)))).toEqual(installed);
  });
});

describe("error answers", () => {
  it("reads field errors of every shape the API answers", () => {
    const invalid = parseErrorBody(422, {
      error: "invalid_request",
      fields: [{ field: "resume_at", location: "body", message: "must be in the future" }],
    });
    expect(errorFor(invalid.fields, "resume_at")).toBe("must be in the future");
    const config = parseErrorBody(422, {
      error: "invalid_tenant_config",
      fields: [{ field: "dunning.max_attempts", message: "too many" }],
    });
    expect(errorFor(config.fields, "dunning.max_attempts")).toBe("too many");
    expect(errorFor(config.fields, "preset")).toBeUndefined();
    const endpoint = parseErrorBody(422, { error: "invalid_endpoint", errors: ["url must be https"] });
    expect(endpoint.fields).toEqual([{ field: "", message: "url must be https" }]);
  });

  it("puts every known code in words, and falls back to the server's message", () => {
    for (const code of ["unauthorized", "cancel_locked", "invalid_transition", "rate_limited", "nothing_to_retry"]) {
      expect(describeError(parseErrorBody(409, { error: code }))).not.toContain(code);
    }
    expect(describeError(parseErrorBody(409, { error: "brand_new", message: "explained" }))).toBe("explained");
    expect(parseErrorBody(502, "not json").code).toBe("server_error");
  });
});

describe("actions offered", () => {
  it("follows the status: active pauses, paused resumes, past due retries, cancelled nothing", () => {
    expect(availableActions({ status: "active", cancel_at: null })).toEqual(["pause", "skip", "cancel", "cancel_at_period_end"]);
    expect(availableActions({ status: "paused", cancel_at: null })).toEqual(["resume", "cancel"]);
    expect(availableActions({ status: "past_due", cancel_at: null })).toEqual(["retry_payment", "cancel"]);
    expect(availableActions({ status: "active", cancel_at: "2027-01-01T00:00:00Z" })).toContain("withdraw_cancel");
    expect(availableActions({ status: "cancelled", cancel_at: null })).toEqual([]);
  });
});

describe("amounts and counts", () => {
  it("totals lines in cents, so 0.1 + 0.2 is 0.30", () => {
    expect(renewalTotal([{ price_inc_tax: "0.10", quantity: 1 }, { price_inc_tax: "0.20", quantity: 1 }])).toBe("0.30");
    expect(renewalTotal([{ price_inc_tax: "25.0000", quantity: 2 }])).toBe("50.00");
    expect(countLabel(100, true)).toBe("100+");
  });
});

describe("settings form", () => {
  const loaded: Config = {
    preset: "standard",
    dunning: { retry_offsets_days: [1, 3, 7], max_attempts: 4, grace_period_days: 14, final_action: "cancel" },
    capture_timing: "immediate",
    auth_window_days: 7,
    action_link_ttl_hours: 72,
    stuck_after_minutes: 60,
    api_share_percent: 60,
    contract_guard: null,
    change_requests: { shopper_changes: "direct", expire_after_hours: 72 },
  };

  const lenient: Config = {
    ...loaded,
    preset: "lenient",
    dunning: { retry_offsets_days: [3, 7, 14], max_attempts: 4, grace_period_days: 30, final_action: "pause" },
  };

  it("saves only what differs from the preset, numbers as numbers", () => {
    const form = { ...toForm(loaded), "dunning.retry_offsets_days": "2, 4", stuck_after_minutes: "90", api_share_percent: "40" };
    expect(toOverrides(form, loaded, loaded)).toEqual({
      preset: "standard",
      stuck_after_minutes: 90,
      api_share_percent: 40,
      dunning: { retry_offsets_days: [2, 4] },
    });
    expect(toOverrides(toForm(loaded), loaded, loaded)).toEqual({ preset: "standard" });
  });

  it("keeps an earlier override the merchant did not touch", () => {
    const stored = { ...loaded, auth_window_days: 3 };
    const form = { ...toForm(stored), stuck_after_minutes: "90" };
    expect(toOverrides(form, stored, loaded)).toEqual({ preset: "standard", auth_window_days: 3, stuck_after_minutes: 90 });
  });

  it("saves the change-request settings as one override once either differs", () => {
    const form = { ...toForm(loaded), "change_requests.shopper_changes": "request" };
    expect(toOverrides(form, loaded, loaded)).toEqual({
      preset: "standard",
      change_requests: { shopper_changes: "request", expire_after_hours: 72 },
    });
    expect(toForm(loaded)["change_requests.expire_after_hours"]).toBe("72");
  });

  it("keeps text that is not a number, so the API names the field", () => {
    expect(toOverrides({ ...toForm(loaded), auth_window_days: "seven" }, loaded, loaded).auth_window_days).toBe("seven");
  });

  it("shows the new preset's schedule when the preset changes, and saves no dunning of its own", () => {
    const form = withPreset(toForm(loaded), lenient);
    expect(form["dunning.final_action"]).toBe("pause");
    expect(toOverrides(form, loaded, lenient)).toEqual({ preset: "lenient" });
  });
});
