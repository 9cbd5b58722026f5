import { describe, expect, it } from "vitest";
import { fieldOf, newCadence, newTier, placeErrors, removeAt, toPlanDocument, toPlanForm } from "./planForm";

const STORED = {
  product_id: 111,
  cadences: [
    { label: "Monthly", interval: "month", interval_count: 1, discount_percent: "5", retired: false, option_value_id: 7 },
    { label: "Weekly", interval: "week", interval_count: 1, discount_percent: "0", retired: true, option_value_id: 8 },
  ],
  default_cadence: "Monthly",
  cadence_option_id: 42,
  trial_days: 14,
  billing_period_count: 3,
  commitment_count: 2,
  max_cycles: null,
  tiers: [{ min_quantity: 5, discount_percent: "10" }],
  price_source: "locked",
  free_shipping: true,
};

describe("the plan form", () => {
  it("shows a stored plan field by field and sends back the same plan", () => {
    // Given a plan as the API answers it
    // When it becomes the form and the form becomes a document again
    const form = toPlanForm(STORED);
    const doc = toPlanDocument(form);
    // Then every field the form edits comes back as it was, and what it does not edit is kept
    expect(form.cadences.map((c) => c.label)).toEqual(["Monthly", "Weekly"]);
    expect(form.max_cycles).toBe("");
    expect(doc).toEqual({
      cadences: [
        { label: "Monthly", interval: "month", interval_count: 1, discount_percent: 5, retired: false, option_value_id: 7 },
        { label: "Weekly", interval: "week", interval_count: 1, discount_percent: 0, retired: true, option_value_id: 8 },
      ],
      default_cadence: "Monthly",
      cadence_option_id: 42,
      trial_days: 14,
      billing_period_count: 3,
      commitment_count: 2,
      tiers: [{ min_quantity: 5, discount_percent: 10 }],
      price_source: "locked",
      free_shipping: true,
    });
    expect(doc).not.toHaveProperty("product_id");
  });

  it("starts a product without a plan from one monthly cadence", () => {
    const form = toPlanForm(null);
    expect(form.cadences).toEqual([{ ...newCadence(), label: "Monthly" }]);
    expect(toPlanDocument(form)).toMatchObject({ cadences: [{ label: "Monthly", interval: "month" }], tiers: [] });
  });

  it("adds and removes cadences and tiers, and sends what is not a number as typed", () => {
    // Given a form with a new cadence and a tier typed wrong
    const form = toPlanForm(STORED);
    form.cadences = removeAt([...form.cadences, { ...newCadence(), label: "Yearly", interval: "year" }], 1);
    form.tiers = [...form.tiers, { ...newTier(), min_quantity: "ten", discount_percent: "15" }];
    form.max_cycles = " 12 ";
    form.default_cadence = "";
    // When it is sent
    const doc = toPlanDocument(form);
    // Then the removed row is gone, the new ones are there, and the API gets to name the error
    expect((doc.cadences as Array<{ label: string }>).map((c) => c.label)).toEqual(["Monthly", "Yearly"]);
    expect(doc.tiers).toEqual([
      { min_quantity: 5, discount_percent: 10 },
      { min_quantity: "ten", discount_percent: 15 },
    ]);
    expect(doc.max_cycles).toBe(12);
    expect(doc).not.toHaveProperty("default_cadence");
  });
});

describe("where the plan's errors go", () => {
  const form = toPlanForm(STORED);

  it("names the field of each location the form shows", () => {
    expect(fieldOf("trial_days", form)).toBe("trial_days");
    expect(fieldOf("cadences", form)).toBe("cadences");
    expect(fieldOf("cadences.1.interval", form)).toBe("cadences.1.interval");
    expect(fieldOf("cadences.0", form)).toBe("cadences.0");
    expect(fieldOf("tiers.0.discount_percent", form)).toBe("tiers.0.discount_percent");
  });

  it("leaves unplaced what names no field of the form", () => {
    expect(fieldOf("", form)).toBeNull();
    expect(fieldOf("product_id", form)).toBeNull();
    expect(fieldOf("cadences.5.label", form)).toBeNull();
    expect(fieldOf("tiers.0.colour", form)).toBeNull();
    expect(fieldOf("cadences.x.label", form)).toBeNull();
    expect(fieldOf("cadences.0.label.extra", form)).toBeNull();
  });

  it("puts each reason beside its field, joins two for one field and keeps the rest for the top", () => {
    // Given the API's 422 reasons as the error reader gives them
    const fields = [
      { field: "cadences.1.interval", message: "Input should be 'day', 'week', 'month' or 'year'" },
      { field: "tiers.0.min_quantity", message: "too small" },
      { field: "tiers.0.min_quantity", message: "not a number" },
      { field: "", message: "default_cadence 'Yearly' is not one of the cadences" },
    ];
    // When they are placed on the form
    const placed = placeErrors(fields, form);
    // Then each field has its own, and the plan-wide reason is left for the top
    expect(placed.byField).toEqual({
      "cadences.1.interval": "Input should be 'day', 'week', 'month' or 'year'",
      "tiers.0.min_quantity": "too small; not a number",
    });
    expect(placed.unplaced).toEqual([fields[3]]);
  });
});
