import { describe, expect, it } from "vitest";
import { locationStates } from "./deliveryStates";

describe("a delivery's locations column", () => {
  it("shows a dash for a single-order cycle", () => {
    expect(locationStates(undefined)).toBe("—");
    expect(locationStates({})).toBe("—");
  });

  it("counts the shipped, cancelled and pending locations", () => {
    const locations = {
      loc_000000000a: { state: "shipped", order_id: 101 },
      loc_000000000b: { state: "cancelled", order_id: 102 },
      loc_000000000c: { state: "pending", order_id: null },
    };
    expect(locationStates(locations)).toBe("1 of 3 shipped, 1 cancelled, 1 pending");
  });

  it("says every location shipped once they all have", () => {
    expect(locationStates({ loc_000000000a: { state: "shipped" }, loc_000000000b: { state: "shipped" } })).toBe(
      "2 of 2 shipped",
    );
  });
});
