// Names for the generated admin API types (src/api/schema.ts, from openapi.json).
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Status = Schemas["Status"];
export type Subscription = Schemas["SubscriptionView"];
export type SubscriptionList = Schemas["SubscriptionList"];
export type SubscriptionDetail = Schemas["SubscriptionDetail"];
export type OpsQueue = Schemas["OpsQueue"];
export type OpsQueueItem = Schemas["OpsQueueItem"];
export type StuckWorkflowQueue = Schemas["StuckWorkflowQueue"];
export type StuckWorkflowItem = Schemas["StuckWorkflowItem"];
export type DeadLetterList = Schemas["DeadLetterList"];
export type DeadLetter = Schemas["DeadLetterView"];
export type OpsItemList = Schemas["OpsItemList"];
export type OpsItem = Schemas["OpsItemView"];
export type ChangeRequestQueue = Schemas["ChangeRequestQueue"];
export type ChangeRequest = Schemas["ChangeRequestView"];
export type CancelView = Schemas["CancelView"];
export type Endpoint = Schemas["EndpointView"];
export type EndpointWithSecret = Schemas["EndpointWithSecret"];
export type Delivery = Schemas["DeliveryView"];
export type SessionRenewal = Schemas["SessionRenewal"];
export type Onboarding = Schemas["OnboardingView"];
export type Check = Schemas["CheckView"];
export type CatalogProduct = Schemas["CatalogProductView"];
export type CatalogSearch = Schemas["CatalogSearchResult"];
export type UpcomingRenewals = Schemas["UpcomingRenewalsView"];
export type ContractTerm = Schemas["ContractGuard"];
export type Role = Schemas["Role"];
export type Actor = Schemas["ActorView"];
export type Actors = Schemas["ActorsView"];
export type SubscriptionEntitlements = Schemas["SubscriptionEntitlementsView"];
export type Entitlement = Schemas["EntitlementView"];
export type CustomerGroup = Schemas["CustomerGroupView"];
export type Locations = Schemas["LocationsView"];
export type Location = Schemas["LocationView"];
export type NewLocation = Schemas["NewLocation"];
// Shaped by the route itself (so its refusals answer from it), hence not in the document.
export type LocationChange = { location: Location; applies_from_cycle: number };
export type CustomFieldScope = Schemas["Scope"];
export type FieldType = Schemas["FieldType"];
export type CustomFieldDefinition = Schemas["CustomFieldDefinition"];
export type CustomFieldList = Schemas["CustomFieldList"];
export type CustomFieldPatch = Schemas["CustomFieldPatch"];
export type CustomFieldValues = Schemas["CustomFieldValuesView"];

export const STATUSES: Status[] = [
  "pending",
  "trialing",
  "active",
  "past_due",
  "requires_action",
  "paused",
  "cancelled",
  "expired",
];
export type AllotmentUnit = Schemas["AllotmentUnit"];
export type Rollover = Schemas["Rollover"];
export type OrderDebit = Schemas["OrderDebit"];
export type Interval = Schemas["RefreshCadence"]["interval"];
export type GrantStatus = Schemas["GrantStatus"];
export type Grant = Schemas["GrantView"];
export type GrantList = Schemas["GrantList"];
export type GrantRequest = Schemas["GrantRequest"];
export type AllotmentDebit = Schemas["DebitView"];
export type DebitReversal = Schemas["ReversalPart"];
export type AllotmentDebitList = Schemas["DebitList"];
// The debit route shapes its reply itself (201 new, 200 a repeat), hence not in the document.
export type AllotmentDebitResult = { allotment: Grant; debit: AllotmentDebit | null };
