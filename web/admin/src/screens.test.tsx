import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiError, guardAnswer, parseErrorBody } from "./api/errors";
import type { Check, Subscription } from "./api/types";
import { changeSpecs, initialValues, offeredCadences } from "./changeForms";
import { checkWords } from "./onboarding";
import { href, parseRoute } from "./router";
import { Checklist } from "./screens/Onboarding";
import { filterQuery, filtersFromForm, formFromFilters } from "./subscriptionFilters";

const check = (key: string, state: Check["state"], code: string, facts: Record<string, unknown> = {}): Check => ({ key, state, code, facts });

describe("subscription filters", () => {
  it("round-trip through the URL, and only well-formed values are kept", () => {
    const hash = "#/subscriptions?status=active&customer_id=7&product_id=111&renews_after=2027-01-01&renews_before=2027-01-08";
    expect(href(parseRoute(hash))).toBe(hash);
    expect(parseRoute("#/subscriptions?customer_id=0&renews_after=soon")).toEqual({ screen: "subscriptions" });
  });

  it("send the renewal window as whole UTC days and leave empty fields out", () => {
    const filters = filtersFromForm({ ...formFromFilters({}), product_id: "111", renews_before: "2027-01-08" });
    expect(filters).toEqual({ product_id: 111, renews_before: "2027-01-08" });
    expect(filterQuery(filters)).toEqual({
      status: undefined,
      customer_id: undefined,
      product_id: 111,
      renews_after: undefined,
      renews_before: "2027-01-08T00:00:00Z",
    });
  });
});

describe("cancel guards", () => {
  const when = (iso: string) => `<${iso}>`;

  it("say when a locked or noticed cancel becomes possible", () => {
    const locked = parseErrorBody(409, { error: "cancel_locked", earliest_cancel_at: "2027-03-01T00:00:00Z", remaining_cycles: 2 });
    expect(guardAnswer(locked, when)).toBe("It can be cancelled from <2027-03-01T00:00:00Z> (2 more paid renewal(s)).");
    const notice = parseErrorBody(409, { error: "contract_notice_period", window_opens_at: "2027-05-01T00:00:00Z" });
    expect(guardAnswer(notice, when)).toBe("The notice window opens <2027-05-01T00:00:00Z>.");
    expect(guardAnswer(new ApiError(404, "not_found", ""), when)).toBeUndefined();
  });
});

describe("change forms", () => {
  const sub = {
    id: "sub_1",
    cadence_label: "Monthly",
    lines: [{ product_id: 111, quantity: 2, name: "Beans" }],
    shipping_address: { first_name: "Ada", city: "London" },
    contract: null,
  } as unknown as Subscription;
  const spec = (key: string) => changeSpecs(sub).find((s) => s.key === key)!;

  it("offer the plan's cadences still sold, or a typed label without a plan", () => {
    const plan = { cadences: [{ label: "Monthly" }, { label: "Weekly", retired: true }, { label: "Every 2 months" }] };
    expect(offeredCadences(plan)).toEqual(["Monthly", "Every 2 months"]);
    const cadence = changeSpecs(sub, offeredCadences(plan)).find((s) => s.key === "cadence")!;
    expect(cadence.fields[0]!.options?.map((o) => o.value)).toEqual(["Monthly", "Every 2 months"]);
    expect(spec("cadence").fields[0]!.options).toBeUndefined();
  });

  it("start from the subscription's own values", () => {
    expect(initialValues(spec("quantity"), sub)).toEqual({ product_id: "111", quantity: "2" });
    expect(initialValues(spec("address"), sub).city).toBe("London");
  });

  it("send numbers as numbers, text that is not one as typed, and dates as UTC days", () => {
    expect(spec("quantity").body({ product_id: "111", quantity: "three" })).toEqual({ product_id: 111, quantity: "three" });
    expect(spec("pause_until").body({ resume_at: "2027-02-01" })).toEqual({ resume_at: "2027-02-01T00:00:00Z" });
    expect(spec("contract").body({ term_end_at: "2027-12-31", notice_period_days: "30", mode: "route" })).toEqual({
      term_end_at: "2027-12-31T00:00:00Z",
      notice_period_days: 30,
      mode: "route",
    });
    expect(spec("address").body({ first_name: "Ada", street_2: "" })).toMatchObject({ first_name: "Ada", street_2: null, city: "" });
  });
});

describe("onboarding checklist", () => {
  it("puts each item in words with where to fix it", () => {
    const missing = checkWords(check("plan", "todo", "no_plan"));
    expect(missing.fix).toEqual({ label: "Set a plan", to: "#/plans" });
    const capture = checkWords(check("capture", "todo", "gateway_captures_at_once", { capture_timing: "on_ship", gateway_event: "purchase" }));
    expect(capture.text).toContain("when the order ships");
    expect(capture.fix?.to).toBe("#/settings");
  });

  it("counts what is done and marks each item's state", () => {
    render(
      <Checklist
        data={{
          complete: false,
          sample_order_id: null,
          checks: [check("hooks", "done", "hooks_active", { registered: 7 }), check("plan", "todo", "no_plan")],
        }}
      />,
    );
    expect(screen.getByText(/1 of 2 done/)).toBeTruthy();
    expect(screen.getByText(/All 7 hooks/)).toBeTruthy();
    expect(screen.getByText("To do")).toBeTruthy();
  });
});
