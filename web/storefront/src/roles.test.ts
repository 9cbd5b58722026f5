import { afterEach, describe as group, expect, it } from "vitest";
import { giftWords, may, roleList, roleWords } from "./access";
import { ApiError, Portal, type Fetch } from "./api";
import { describe } from "./errors";
import { fieldChanges, readField } from "./fieldValues";
import type { CustomFieldDefinition, Subscription } from "./types";
import { PortalView } from "./view";

const SUB: Subscription = {
  id: "sub_1",
  status: "active",
  cadence_label: "Monthly",
  currency: "USD",
  lines: [{ product_id: 111, variant_id: null, name: "Coffee beans", quantity: 2, price_inc_tax: "25.00" }],
  next_cycle: 2,
  next_renewal_at: "2026-04-04T09:30:00Z",
  paid_cycles: 1,
  commitment_count: 0,
  shipping_address: { first_name: "Ada", zip: "78701" },
  resume_at: null,
  cancel_at: null,
  roles: ["beneficiary"],
  allowed_actions: ["change_address", "edit_custom_fields", "skip", "view"],
  payer_customer_id: 7,
  beneficiary_customer_id: 9,
};

function def(over: Partial<CustomFieldDefinition> = {}): CustomFieldDefinition {
  return { key: "note", type: "text", label: "Gift note", description: "", required: false, choices: [], editable_by_subscriber: true, archived: false, ...over };
}

interface Sent {
  method: string;
  url: string;
  body: string | undefined;
}

function portal(routes: Record<string, [number, unknown]>, sent: Sent[]): Portal {
  const fetchImpl: Fetch = async (url, init) => {
    const method = init?.method ?? "GET";
    const path = url.replace("https://api.test", "").split("?")[0]!;
    sent.push({ method, url: path, body: init?.body as string | undefined });
    const [status, body] = routes[`${method} ${path}`] ?? [404, { error: "no_route" }];
    return new Response(JSON.stringify(body), { status });
  };
  return new Portal({ apiBase: "https://api.test", clientId: "c", fetchToken: async () => "t" }, fetchImpl);
}

async function shown(routes: Record<string, [number, unknown]>, sent: Sent[] = []): Promise<HTMLElement> {
  const root = document.createElement("div");
  document.body.append(root);
  await new PortalView(root, portal(routes, sent)).load();
  return root;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const buttons = (root: HTMLElement) => [...root.querySelectorAll("button")].map((b) => b.textContent);
const button = (root: HTMLElement, text: string) => [...root.querySelectorAll("button")].find((b) => b.textContent === text)!;

afterEach(() => document.body.replaceChildren());

group("roles and gifts", () => {
  it("name the shopper's roles in words", () => {
    expect(roleWords({ roles: ["beneficiary"] })).toBe("You are its recipient.");
    expect(roleList(["owner", "payer", "manager"])).toBe("owner, payer and manager");
    expect(roleList([])).toBe("a viewer");
  });

  it("say who a gift is from or for, by the ids the API gives, and nothing when it is no gift", () => {
    expect(giftWords(SUB)).toBe("A gift to you from customer #7.");
    expect(giftWords({ ...SUB, roles: ["owner", "payer"] })).toBe("A gift you pay for, sent to customer #9.");
    expect(giftWords({ ...SUB, roles: ["manager"] })).toBe("A gift from customer #7 to customer #9.");
    expect(giftWords({ ...SUB, beneficiary_customer_id: 7 })).toBeNull();
  });

  it("allow only the actions the API lists", () => {
    expect(may(SUB, "skip")).toBe(true);
    expect(may(SUB, "cancel")).toBe(false);
  });

  it("explain a refusal by role and list every refused custom field", () => {
    expect(describe(new ApiError(403, "role_forbids_action", { roles: ["beneficiary"], action: "cancel" }))).toBe(
      "As recipient of this subscription you cannot do that; ask its owner.",
    );
    const refused = new ApiError(422, "invalid_custom_fields", {
      errors: [
        { key: "note", code: "too_long", message: "is longer than 10 characters" },
        { key: "size", code: "not_editable", message: "only the merchant changes this field" },
      ],
    });
    expect(describe(refused)).toBe("Please check your details: note: is longer than 10 characters; size: only the merchant changes this field.");
  });
});

group("custom field entries", () => {
  it("read as their type, and only editable changed ones are sent", () => {
    expect(readField({ type: "number" }, "3")).toEqual({ value: 3 });
    expect(readField({ type: "boolean" }, "maybe")).toEqual({ error: "must be yes or no" });
    const defs = [def(), def({ key: "cups", type: "number", label: "Cups" }), def({ key: "size", editable_by_subscriber: false })];
    expect(fieldChanges(defs, { note: "Hi", cups: 2, size: "L" }, { note: "Hi", cups: "x", size: "XL" })).toEqual({ values: {}, errors: ["Cups: must be a number"] });
    expect(fieldChanges(defs, { note: "Hi" }, { note: "" })).toEqual({ values: { note: null }, errors: [] });
  });
});

group("a recipient's subscription", () => {
  const routes = (fields: unknown): Record<string, [number, unknown]> => ({
    "GET /portal/subscriptions": [200, { items: [SUB] }],
    "GET /portal/subscriptions/sub_1/custom-fields": [200, fields],
  });
  const FIELDS = { subscription_id: "sub_1", values: { note: "Happy birthday", size: "L" }, definitions: [def(), def({ key: "size", label: "Size", editable_by_subscriber: false })] };

  it("shows their role and the gift, and offers only what the role allows", async () => {
    // Given a gift the shopper receives
    const sent: Sent[] = [];
    const root = await shown(routes(FIELDS), sent);
    // Then the role and the giver are shown
    expect(root.querySelector("[data-roles]")!.textContent).toBe("You are its recipient.");
    expect(root.querySelector("[data-gift]")!.textContent).toBe("A gift to you from customer #7.");
    // And skip and address are offered; pause, cancel, quantity, schedule and cards are not
    expect(buttons(root)).toContain("Skip next delivery");
    expect(buttons(root)).toContain("Save address");
    for (const absent of ["Pause", "Cancel subscription…", "Save quantity", "Change schedule"]) expect(buttons(root)).not.toContain(absent);
    expect(root.querySelector(".bcs-payment")).toBeNull();
    expect(root.querySelector("summary")!.textContent).toBe("Change address");
    // And their saved cards were never asked for
    expect(sent.some((s) => s.url === "/portal/payment-methods")).toBe(false);
  });

  it("shows the visible custom fields and saves the editable one", async () => {
    // Given a note the recipient may edit and a size they may only see
    const sent: Sent[] = [];
    const root = await shown({ ...routes(FIELDS), "PATCH /portal/subscriptions/sub_1/custom-fields": [200, FIELDS] }, sent);
    expect(root.querySelector("[data-field=size]")!.textContent).toBe("Size: L");
    expect(root.querySelector("[data-field=size] input")).toBeNull();
    // When the note is changed and saved
    const note = root.querySelector<HTMLInputElement>("[data-field=note] input")!;
    note.value = "Enjoy";
    button(root, "Save details").click();
    await settle();
    await settle();
    // Then only the note is sent, and the shopper is told
    expect(JSON.parse(sent.find((s) => s.method === "PATCH")!.body!)).toEqual({ values: { note: "Enjoy" } });
    expect(root.querySelector("[data-notice]")!.textContent).toBe("Your details are saved.");
  });

  it("lists every value the API refuses", async () => {
    const refusal = { error: "invalid_custom_fields", errors: [{ key: "note", code: "too_long", message: "is longer than 5 characters" }] };
    const root = await shown({ ...routes(FIELDS), "PATCH /portal/subscriptions/sub_1/custom-fields": [422, refusal] });
    root.querySelector<HTMLInputElement>("[data-field=note] input")!.value = "Enjoy it all";
    button(root, "Save details").click();
    await settle();
    await settle();
    expect(root.querySelector("[data-error-code=invalid_custom_fields]")!.textContent).toContain("note: is longer than 5 characters");
  });

  it("shows fields read-only to a role that may not edit them", async () => {
    const root = await shown({
      "GET /portal/subscriptions": [200, { items: [{ ...SUB, roles: ["payer"], allowed_actions: ["cancel", "change_card", "retry_payment", "view"] }] }],
      "GET /portal/subscriptions/sub_1/custom-fields": [200, FIELDS],
      "GET /portal/payment-methods": [200, { items: [] }],
    });
    expect(root.querySelector("[data-field=note]")!.textContent).toBe("Gift note: Happy birthday");
    expect(buttons(root)).not.toContain("Save details");
    expect(buttons(root)).toContain("Cancel subscription…");
    expect(root.querySelector(".bcs-payment")).not.toBeNull();
  });
});
