import type { Subscription } from "./types";

// What the API says the shopper may do on one subscription: the page offers nothing else.
export function may(sub: Pick<Subscription, "allowed_actions">, action: string): boolean {
  return sub.allowed_actions.includes(action);
}

const ROLE_NAMES: Record<string, string> = {
  owner: "owner",
  payer: "payer",
  beneficiary: "recipient",
  manager: "manager",
  org_admin: "company admin",
};

export function roleList(roles: string[]): string {
  const names = roles.map((r) => ROLE_NAMES[r] ?? r.replace(/_/g, " "));
  if (names.length <= 1) return names[0] ?? "a viewer";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

export function roleWords(sub: Pick<Subscription, "roles">): string {
  return `You are its ${roleList(sub.roles)}.`;
}

// A gift is paid by one customer and received by another; the API names both by their ids.
export function giftWords(sub: Pick<Subscription, "roles" | "payer_customer_id" | "beneficiary_customer_id">): string | null {
  if (sub.payer_customer_id === sub.beneficiary_customer_id) return null;
  const receives = sub.roles.includes("beneficiary");
  const pays = sub.roles.includes("payer");
  if (receives && !pays) return `A gift to you from customer #${sub.payer_customer_id}.`;
  if (pays && !receives) return `A gift you pay for, sent to customer #${sub.beneficiary_customer_id}.`;
  return `A gift from customer #${sub.payer_customer_id} to customer #${sub.beneficiary_customer_id}.`;
}
