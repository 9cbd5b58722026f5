import { describe, expect, it } from "vitest";
import { actorRequest, activeActors, addedByWords, removable } from "./actorForm";
import { parseErrorBody } from "./api/errors";
import type { Actor, CustomFieldDefinition } from "./api/types";
import { changedValues, parseValue, shownDefinitions, valueText } from "./customFieldValues";
import { blankDefinition, changePatch, createBody, toDefinitionForm } from "./customFieldDefinitionForm";
import { addressLine, emptyLocation, locationBody } from "./locationForm";
import { href, parseRoute } from "./router";

const ACTOR: Actor = {
  customer_id: 7,
  role: "manager",
  status: "active",
  added_at: "2027-01-01T09:00:00Z",
  added_by: { type: "merchant_user", id: 42 },
  removed_at: null,
};

function definition(over: Partial<CustomFieldDefinition> = {}): CustomFieldDefinition {
  return {
    key: "gift_note",
    scope: "subscription",
    type: "text",
    label: "Gift note",
    description: "",
    required: false,
    default: null,
    pattern: null,
    max_length: null,
    choices: [],
    visible_to_subscriber: true,
    editable_by_subscriber: true,
    archived: false,
    ...over,
  };
}

describe("the actors panel's logic", () => {
  it("makes a payer a replacement and any other role an addition", () => {
    expect(actorRequest(" 12 ", "payer")).toEqual({ body: { customer_id: 12, role: "payer", replace_payer: true } });
    expect(actorRequest("12", "manager")).toEqual({ body: { customer_id: 12, role: "manager", replace_payer: false } });
  });

  it("refuses a customer id that is not a whole number above zero, naming the field", () => {
    for (const bad of ["", "0", "-3", "1.5", "seven"]) {
      expect(actorRequest(bad, "manager")).toEqual({ errors: [expect.objectContaining({ field: "customer_id" })] });
    }
  });

  it("lists only actors in force and offers removal for neither the owner nor the payer", () => {
    const removed = { ...ACTOR, customer_id: 8, status: "removed", removed_at: "2027-01-02T09:00:00Z" };
    expect(activeActors([ACTOR, removed])).toEqual([ACTOR]);
    expect(removable(ACTOR)).toBe(true);
    expect(removable({ ...ACTOR, role: "owner" })).toBe(false);
    expect(removable({ ...ACTOR, role: "payer" })).toBe(false);
    expect(removable(removed)).toBe(false);
  });

  it("says who added an actor", () => {
    expect(addedByWords(ACTOR)).toBe("merchant user 42");
    expect(addedByWords({ ...ACTOR, added_by: { type: "system", id: null } })).toBe("system");
  });
});

describe("custom field values in a form", () => {
  it("read each type from text and clear on an empty entry", () => {
    expect(parseValue({ type: "number" }, "2.5")).toEqual({ value: 2.5 });
    expect(parseValue({ type: "number" }, "two")).toEqual({ error: "must be a number" });
    expect(parseValue({ type: "boolean" }, "true")).toEqual({ value: true });
    expect(parseValue({ type: "date" }, "2027-03-01")).toEqual({ value: "2027-03-01" });
    expect(parseValue({ type: "date" }, "March")).toHaveProperty("error");
    expect(parseValue({ type: "json" }, '{"a":1}')).toEqual({ value: { a: 1 } });
    expect(parseValue({ type: "json" }, "{a")).toHaveProperty("error");
    expect(parseValue({ type: "text" }, "  ")).toEqual({ value: null });
    expect(valueText({ type: "json" }, { a: 1 })).toBe('{"a":1}');
  });

  it("send only what changed, and list every entry that cannot be read", () => {
    const defs = [definition(), definition({ key: "cups", type: "number", label: "Cups" }), definition({ key: "size", type: "number" })];
    const stored = { gift_note: "Hi", cups: 2, size: 1 };
    expect(changedValues(defs, stored, { gift_note: "Hi", cups: "3", size: "1" })).toEqual({ values: { cups: 3 }, errors: [] });
    const bad = changedValues(defs, stored, { gift_note: "", cups: "x", size: "y" });
    expect(bad.errors.map((e) => e.field)).toEqual(["cups", "size"]);
    expect(bad.values).toEqual({ gift_note: null });
  });

  it("show an archived field only where a value is kept", () => {
    const archived = definition({ key: "old", archived: true });
    expect(shownDefinitions([definition(), archived], {}).map((d) => d.key)).toEqual(["gift_note"]);
    expect(shownDefinitions([definition(), archived], { old: "x" }).map((d) => d.key)).toEqual(["gift_note", "old"]);
  });

  it("name the field's key with each refusal the API lists", () => {
    const error = parseErrorBody(422, {
      error: "invalid_custom_fields",
      errors: [
        { key: "cups", code: "out_of_range", message: "must be at most 5" },
        { key: "gift_note", code: "required", message: "is required" },
      ],
    });
    expect(error.fields).toEqual([
      { field: "cups", message: "must be at most 5 (out_of_range)" },
      { field: "gift_note", message: "is required (required)" },
    ]);
  });
});

describe("custom field definitions in a form", () => {
  it("create a definition with only what applies to its type", () => {
    const form = { ...blankDefinition("plan"), key: "roast", type: "enum" as const, label: "Roast", choices: "light, dark,", default: "dark" };
    expect(createBody(form)).toEqual({
      body: {
        key: "roast",
        scope: "plan",
        type: "enum",
        label: "Roast",
        description: "",
        required: false,
        default: "dark",
        choices: ["light", "dark"],
        visible_to_subscriber: false,
        editable_by_subscriber: false,
      },
    });
  });

  it("refuse a default or a max length that cannot be read, listing each", () => {
    const form = { ...blankDefinition(), key: "n", type: "number" as const, label: "N", default: "many", max_length: "x" };
    expect(createBody(form)).toEqual({ errors: [{ field: "default", message: "must be a number" }, { field: "max_length", message: "must be a whole number above 0" }] });
  });

  it("change only what differs from the stored definition", () => {
    const before = definition({ max_length: 40 });
    const form = { ...toDefinitionForm(before), label: "Note for the recipient", editable_by_subscriber: false };
    expect(changePatch(before, form)).toEqual({ patch: { label: "Note for the recipient", editable_by_subscriber: false } });
    expect(changePatch(before, toDefinitionForm(before))).toEqual({ patch: {} });
  });
});

describe("a delivery location in a form", () => {
  it("sends the required address fields as typed and leaves blank optional ones out", () => {
    const form = { ...emptyLocation(), label: "Depot", first_name: "Ada", last_name: "L", street_1: "1 Way", city: "Austin", zip: "78701", country_iso2: "us", shipping_method: "Ground", shipping_cost_ex_tax: "5.00" };
    expect(locationBody(form)).toEqual({
      label: "Depot",
      address: { first_name: "Ada", last_name: "L", street_1: "1 Way", city: "Austin", zip: "78701", country_iso2: "US", shipping_method: "Ground" },
      shipping_cost_ex_tax: "5.00",
    });
    expect(locationBody(emptyLocation()).address).toHaveProperty("street_1", "");
  });

  it("puts an address on one line", () => {
    expect(addressLine({ first_name: "Ada", last_name: "L", street_1: "1 Way", city: "Austin", zip: "78701", country_iso2: "US" })).toBe("Ada L · 1 Way, Austin, 78701, US");
  });
});

describe("the custom fields screen's address", () => {
  it("round-trips through the URL", () => {
    expect(parseRoute("#/custom-fields")).toEqual({ screen: "custom_fields" });
    expect(href({ screen: "custom_fields" })).toBe("#/custom-fields");
  });
});
