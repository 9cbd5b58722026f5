import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { AdminApi } from "./api/client";
import { Session } from "./api/session";
import type { Actors, CustomFieldDefinition, CustomFieldValues, Locations, SubscriptionEntitlements } from "./api/types";
import { ActorsEditor } from "./screens/ActorsPanel";
import { CustomFieldsEditor } from "./screens/CustomFieldsPanel";
import { DefinitionsEditor } from "./screens/CustomFieldSettings";
import { LocationsEditor } from "./screens/DeliveryLocationsPanel";
import { EntitlementsView, groupWords } from "./screens/EntitlementsPanel";
import { ApiContext } from "./useApi";

type Fetcher = (url: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
// BigDesign renders slowly under jsdom on a busy machine: time is not what this checks.
const WAIT = { timeout: 10_000 };

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function withApi(fetcher: Fetcher, ui: React.ReactNode) {
  const api = new AdminApi("", new Session("t", 4_000_000_000), fetcher as typeof fetch);
  render(<ApiContext.Provider value={api}>{ui}</ApiContext.Provider>);
}

function sent(fetcher: ReturnType<typeof vi.fn<Fetcher>>, call = 0): { url: string; method: string; body: unknown } {
  const [url, init] = fetcher.mock.calls[call]!;
  return { url: String(url), method: String(init?.method), body: init?.body ? JSON.parse(String(init.body)) : undefined };
}

const ACTORS: Actors = {
  subscription: {} as Actors["subscription"],
  payer_customer_id: 7,
  beneficiary_customer_id: 9,
  actors: [
    { customer_id: 7, role: "owner", status: "active", added_at: "2027-01-01T09:00:00Z", added_by: { type: "shopper", id: 7 }, removed_at: null },
    { customer_id: 7, role: "payer", status: "active", added_at: "2027-01-01T09:00:00Z", added_by: { type: "shopper", id: 7 }, removed_at: null },
    { customer_id: 9, role: "beneficiary", status: "active", added_at: "2027-01-01T09:00:00Z", added_by: { type: "shopper", id: 7 }, removed_at: null },
    { customer_id: 11, role: "manager", status: "active", added_at: "2027-01-02T09:00:00Z", added_by: { type: "merchant_user", id: 1 }, removed_at: null },
  ],
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

describe("the actors panel", { timeout: 30_000 }, () => {
  it("shows who pays and who receives a gift, and removes a manager but never the owner or payer", async () => {
    // Given a gift with a manager
    const fetcher = vi.fn<Fetcher>(async () => reply(200, ACTORS));
    const done = vi.fn();
    withApi(fetcher, <ActorsEditor view={ACTORS} path="/admin/subscriptions/sub_1/actors" done={done} />);
    expect(screen.getByText(/Paid by customer #7 · ships to customer #9 \(a gift\)/)).toBeTruthy();
    // Then only the manager and the beneficiary can be removed
    expect(screen.getAllByRole("button", { name: "Remove" })).toHaveLength(2);
    // When the manager is removed
    fireEvent.click(screen.getAllByRole("button", { name: "Remove" })[1]!);
    await waitFor(() => expect(done).toHaveBeenCalled(), WAIT);
    expect(sent(fetcher)).toMatchObject({ method: "DELETE", url: "/admin/subscriptions/sub_1/actors/11/manager" });
  });

  it("adds a manager by customer id", async () => {
    // Given the panel
    const fetcher = vi.fn<Fetcher>(async () => reply(200, ACTORS));
    const done = vi.fn();
    withApi(fetcher, <ActorsEditor view={ACTORS} path="/admin/subscriptions/sub_1/actors" done={done} />);
    // When a customer id is typed and added (manager is the role offered first)
    fireEvent.change(screen.getByLabelText("Customer id"), { target: { value: "21" } });
    fireEvent.click(screen.getByRole("button", { name: "Add" }));
    // Then the API is asked for a manager, not a payer replacement
    await waitFor(() => expect(done).toHaveBeenCalled(), WAIT);
    expect(sent(fetcher)).toEqual({ method: "POST", url: "/admin/subscriptions/sub_1/actors", body: { customer_id: 21, role: "manager", replace_payer: false } });
    expect(screen.getByText("Customer #21 is now manager.")).toBeTruthy();
  });

  it("shows the API's refusal with its rule, and a bad id by its field without calling", async () => {
    // Given an API that refuses the change with the one-payer rule
    const fetcher = vi.fn<Fetcher>(async () => reply(409, { error: "exactly_one_active_payer", message: "a subscription has exactly one active payer" }));
    withApi(fetcher, <ActorsEditor view={ACTORS} path="/p" done={vi.fn()} />);
    // When an id that is not one is added
    fireEvent.change(screen.getByLabelText("Customer id"), { target: { value: "abc" } });
    fireEvent.click(screen.getByRole("button", { name: "Add" }));
    // Then the field says why and nothing was sent
    expect((await screen.findAllByText(/whole number above 0/, {}, WAIT)).length).toBeGreaterThan(0);
    expect(fetcher).not.toHaveBeenCalled();
    // When the beneficiary removal is refused
    fireEvent.click(screen.getAllByRole("button", { name: "Remove" })[0]!);
    // Then the rule's code is shown
    expect(await screen.findByText(/\(exactly_one_active_payer\)/, {}, WAIT)).toBeTruthy();
  });
});

describe("the entitlements panel", { timeout: 30_000 }, () => {
  const VIEW: SubscriptionEntitlements = {
    subscription_id: "sub_1",
    customer_id: 7,
    entitlements: [{ key: "vip", status: "suspended", customer_group_id: 4, priority: 10, granted_at: "2027-01-01T09:00:00Z", revoke_at: null, changed_at: "2027-02-01T09:00:00Z" }],
    customer_group: { wanted_group_id: 4, applied_group_id: 4, original_group_id: 1, changed_by_hand_to: null, pending: false },
  };

  it("shows each entitlement's state and group and the customer's remembered group", () => {
    withApi(vi.fn<Fetcher>(), <EntitlementsView view={VIEW} />);
    expect(screen.getByText("vip")).toBeTruthy();
    expect(document.querySelector("[data-entitlement-status=suspended]")).toBeTruthy();
    expect(screen.getByText("#4 (priority 10)")).toBeTruthy();
    expect(screen.getByText(/remembered group #1/)).toBeTruthy();
  });

  it("says when the customer was never moved, was moved by hand, or is waiting on BigCommerce", () => {
    expect(groupWords(7, null)).toBe("Customer #7 was never moved between customer groups.");
    const words = groupWords(7, { wanted_group_id: 4, applied_group_id: null, original_group_id: null, changed_by_hand_to: 6, pending: true });
    expect(words).toContain("is in group (none); should be in #4");
    expect(words).toContain("moved by hand to #6");
    expect(words).toContain("on its way to BigCommerce");
  });
});

describe("the delivery locations panel", { timeout: 30_000 }, () => {
  const VIEW: Locations = {
    subscription_id: "sub_1",
    applies_from_cycle: 3,
    locations: [{ id: "loc_1", label: "Depot", address: { first_name: "Ada", last_name: "L", street_1: "1 Way", city: "Austin", zip: "78701", country_iso2: "US", shipping_method: "Ground" }, shipping_cost_ex_tax: "5.00", shipping_cost_inc_tax: "5.00", quantities: null, added_at: "2027-01-01T09:00:00Z" }],
  } as unknown as Locations;

  it("lists each location and says from which cycle a change applies", () => {
    withApi(vi.fn<Fetcher>(), <LocationsEditor view={VIEW} path="/p" done={vi.fn()} />);
    expect(screen.getByText(/applies from cycle 3/)).toBeTruthy();
    expect(screen.getByText("Ada L · 1 Way, Austin, 78701, US")).toBeTruthy();
    expect(screen.getByText("Ground (5.00 ex tax)")).toBeTruthy();
  });

  it("adds a location with its shipping method and says when it starts", async () => {
    // Given the API accepts the location from cycle 3
    const fetcher = vi.fn<Fetcher>(async () => reply(201, { location: { ...VIEW.locations[0], id: "loc_2", label: "Shop" }, applies_from_cycle: 3 }));
    const done = vi.fn();
    withApi(fetcher, <LocationsEditor view={VIEW} path="/p" done={done} />);
    // When the form is filled and sent
    const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
    type("Label", "Shop");
    type("First name", "Bo");
    type("Last name", "K");
    type("Street", "2 Road");
    type("City", "Dallas");
    type("Postal code", "75001");
    type("Country code (2 letters)", "US");
    type("Shipping method", "Express");
    fireEvent.click(screen.getByRole("button", { name: "Add location" }));
    // Then the address and method are sent and the start cycle is said
    await waitFor(() => expect(done).toHaveBeenCalled(), WAIT);
    expect(sent(fetcher).body).toEqual({ label: "Shop", address: { first_name: "Bo", last_name: "K", street_1: "2 Road", city: "Dallas", zip: "75001", country_iso2: "US", shipping_method: "Express" } });
    expect(screen.getByText("Shop is shipped to from cycle 3.")).toBeTruthy();
  });

  it("marks each refused address field by name", async () => {
    const fetcher = vi.fn<Fetcher>(async () => reply(422, { error: "invalid_request", fields: [{ field: "address.street_1", message: "String should have at least 1 character" }] }));
    withApi(fetcher, <LocationsEditor view={VIEW} path="/p" done={vi.fn()} />);
    fireEvent.click(screen.getByRole("button", { name: "Add location" }));
    expect(await screen.findByText("address.street_1: String should have at least 1 character", {}, WAIT)).toBeTruthy();
  });
});

describe("the custom fields panel", { timeout: 30_000 }, () => {
  const VIEW: CustomFieldValues = {
    subscription_id: "sub_1",
    values: { gift_note: "Hi", cups: 2 },
    definitions: [definition(), definition({ key: "cups", type: "number", label: "Cups", required: true }), definition({ key: "tier", scope: "plan", label: "Tier" })],
  };

  it("edits the subscription's fields and sends only what changed", async () => {
    // Given the subscription's values
    const fetcher = vi.fn<Fetcher>(async () => reply(200, VIEW));
    const done = vi.fn();
    withApi(fetcher, <CustomFieldsEditor view={VIEW} path="/p" done={done} />);
    // Then a plan's field is not offered here
    expect(screen.queryByLabelText("Tier")).toBeNull();
    // When one value changes and is saved
    fireEvent.change(screen.getByLabelText("Cups *"), { target: { value: "4" } });
    fireEvent.click(screen.getByRole("button", { name: "Save custom fields" }));
    await waitFor(() => expect(done).toHaveBeenCalled(), WAIT);
    expect(sent(fetcher)).toEqual({ method: "PATCH", url: "/p", body: { values: { cups: 4 } } });
  });

  it("lists every error the API gives, each by its field", async () => {
    // Given an API that refuses both values
    const fetcher = vi.fn<Fetcher>(async () =>
      reply(422, {
        error: "invalid_custom_fields",
        errors: [
          { key: "gift_note", code: "too_long", message: "is longer than 10 characters" },
          { key: "cups", code: "required", message: "is required" },
        ],
      }),
    );
    withApi(fetcher, <CustomFieldsEditor view={VIEW} path="/p" done={vi.fn()} />);
    fireEvent.change(screen.getByLabelText("Gift note"), { target: { value: "A very long note" } });
    fireEvent.change(screen.getByLabelText("Cups *"), { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Save custom fields" }));
    // Then both appear, named
    expect(await screen.findByText("gift_note: is longer than 10 characters (too_long)", {}, WAIT)).toBeTruthy();
    expect(screen.getByText("cups: is required (required)")).toBeTruthy();
  });
});

describe("the custom fields settings screen", { timeout: 30_000 }, () => {
  it("defines a field in the chosen scope", async () => {
    const fetcher = vi.fn<Fetcher>(async () => reply(201, definition()));
    const done = vi.fn();
    withApi(fetcher, <DefinitionsEditor scope="plan" items={[]} done={done} />);
    fireEvent.change(screen.getByLabelText("Key"), { target: { value: "origin" } });
    fireEvent.change(screen.getByLabelText("Label"), { target: { value: "Origin" } });
    fireEvent.click(screen.getByRole("button", { name: "Define field" }));
    await waitFor(() => expect(done).toHaveBeenCalled(), WAIT);
    expect(sent(fetcher)).toMatchObject({ method: "POST", url: "/admin/custom-fields", body: { key: "origin", scope: "plan", type: "text", label: "Origin" } });
  });

  it("changes a field's label only, and archives another", async () => {
    // Given two definitions
    const fetcher = vi.fn<Fetcher>(async () => reply(200, definition()));
    withApi(fetcher, <DefinitionsEditor scope="subscription" items={[definition(), definition({ key: "cups", label: "Cups", type: "number" })]} done={vi.fn()} />);
    // When the first is changed
    fireEvent.click(screen.getAllByRole("button", { name: "Change" })[0]!);
    fireEvent.change(screen.getByLabelText("Label"), { target: { value: "Note" } });
    fireEvent.click(screen.getByRole("button", { name: "Save field" }));
    await waitFor(() => expect(fetcher).toHaveBeenCalledTimes(1), WAIT);
    expect(sent(fetcher)).toEqual({ method: "PATCH", url: "/admin/custom-fields/gift_note", body: { label: "Note" } });
    // When the second is archived
    await waitFor(() => expect(screen.getAllByRole("button", { name: "Archive" })[1]!.hasAttribute("disabled")).toBe(false), WAIT);
    fireEvent.click(screen.getAllByRole("button", { name: "Archive" })[1]!);
    await waitFor(() => expect(fetcher).toHaveBeenCalledTimes(2), WAIT);
    expect(sent(fetcher, 1)).toMatchObject({ method: "POST", url: "/admin/custom-fields/cups/archive" });
  });

  it("lists the definition's refusals by field", async () => {
    const fetcher = vi.fn<Fetcher>(async () =>
      reply(422, { error: "invalid_definition", message: "not valid", fields: [{ field: ["default"], message: "is not one of the choices" }, { field: [], message: "a field the subscriber may edit must be visible to them" }] }),
    );
    withApi(fetcher, <DefinitionsEditor scope="subscription" items={[]} done={vi.fn()} />);
    fireEvent.click(screen.getByRole("button", { name: "Define field" }));
    expect(await screen.findByText("request: a field the subscriber may edit must be visible to them", {}, WAIT)).toBeTruthy();
    expect(screen.getByText("default: is not one of the choices")).toBeTruthy();
    expect(screen.getByText(/\(invalid_definition\)/)).toBeTruthy();
  });
});
