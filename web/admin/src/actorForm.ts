// Who holds which role on a subscription, and the request that gives a customer a role.
import type { FieldError } from "./api/errors";
import type { Actor, Role } from "./api/types";

export const ROLE_WORDS: Record<Role, string> = {
  owner: "Owner",
  payer: "Payer",
  beneficiary: "Beneficiary",
  manager: "Manager",
  org_admin: "Company admin",
};

// The owner is fixed at creation; every other role can be given from the panel.
export const ADDABLE_ROLES: Role[] = ["payer", "beneficiary", "manager", "org_admin"];

export function activeActors(actors: Actor[]): Actor[] {
  return actors.filter((a) => a.status === "active");
}

// Ending a role the API would refuse anyway is not offered: the owner, and the only payer
// (who is replaced instead).
export function removable(actor: Actor): boolean {
  return actor.status === "active" && actor.role !== "owner" && actor.role !== "payer";
}

export function addedByWords(actor: Actor): string {
  const by = actor.added_by;
  const type = String(by.type ?? "system").replace("_", " ");
  return by.id === null || by.id === undefined ? type : `${type} ${String(by.id)}`;
}

export type ActorRequestBody = { customer_id: number; role: Role; replace_payer: boolean };

// A payer is always a replacement: a subscription has exactly one.
export function actorRequest(customerId: string, role: Role): { body: ActorRequestBody } | { errors: FieldError[] } {
  const trimmed = customerId.trim();
  if (!/^[1-9]\d*$/.test(trimmed)) return { errors: [{ field: "customer_id", message: "Enter the customer's id, a whole number above 0." }] };
  return { body: { customer_id: Number(trimmed), role, replace_payer: role === "payer" } };
}
