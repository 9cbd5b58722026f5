// Every error code the admin API answers, in words a merchant can act on.

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, fields: FieldError[] = [], details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.details = details;
  }
}

const WORDS: Record<string, string> = {
  unauthorized: "Your session has ended. Reload the app from the BigCommerce control panel.",
  not_found: "It no longer exists, or it belongs to another store.",
  no_route: "This version of the app asked for something the server does not offer; reload the app.",
  invalid_request: "Some values are not valid; see the fields marked below.",
  invalid_cursor: "The list changed since this page was loaded; start again from the first page.",
  rate_limited: "Too many attempts in a short time; wait a moment and try again.",
  invalid_transition: "The subscription's current status does not allow this.",
  cancel_locked: "The subscription is still in its commitment period and cannot be cancelled yet.",
  contract_notice_period: "The contract's notice window has not opened yet, so it cannot be cancelled now.",
  cancel_routed_to_legal: "Cancelling during the contract term was sent to your legal team for review; nothing changed yet.",
  cancel_at_period_end_unavailable: "Only a trialing or active subscription can be cancelled at period end; cancel it now instead.",
  cancel_already_scheduled: "A cancel at period end is already scheduled.",
  no_scheduled_cancel: "No cancel is scheduled.",
  nothing_to_retry: "There is no declined payment waiting for a retry.",
  cadence_not_offered: "The product's plan does not offer that cadence.",
  variant_not_offered: "That variant cannot be bought.",
  commitment_not_met: "The commitment has not been met yet.",
  payment_method_unknown: "That payment method is not one of the customer's stored cards.",
  invalid_plan: "The plan is not valid.",
  invalid_tenant_config: "Some settings are not valid; see the fields marked below.",
  invalid_endpoint: "The endpoint is not valid; see the fields marked below.",
  already_redriven: "It was already sent again.",
  endpoint_not_found: "The webhook endpoint no longer exists.",
  endpoint_disabled: "The webhook endpoint is disabled; enable it first.",
  nothing_to_replay: "There is nothing to replay in that range.",
  invalid_range: "The time range is not valid.",
  too_many_events: "That range holds too many events; choose a shorter one.",
  bigcommerce_unavailable: "BigCommerce did not answer just now; try again in a moment.",
  concurrent_change: "Someone else changed it at the same moment; it was reloaded, try again.",
  storage_busy: "We are busy right now; try again in a moment.",
  invalid_body: "The request could not be read; reload the app and try again.",
  unsupported_media_type: "The request could not be read; reload the app and try again.",
  network_error: "The server could not be reached. Check your connection and try again.",
  server_error: "Something went wrong on our side. Try again in a moment.",
  exactly_one_active_payer: "A subscription has exactly one payer: replace the payer instead of adding or removing one.",
  owner_is_fixed: "The owner of a subscription cannot be changed or removed.",
  actor_already_in_role: "That customer already holds this role.",
  no_such_actor: "That customer does not hold this role any more.",
  unknown_customer: "That customer does not exist in this store.",
  invalid_custom_fields: "Some custom field values do not meet their definitions; see each field below.",
  invalid_definition: "The custom field is not valid; see the fields marked below.",
  custom_field_exists: "The store already has a custom field with that key (perhaps archived).",
  location_not_found: "That delivery location no longer exists.",
  customer_not_in_store: "That customer does not exist in this store; nothing was granted.",
  invalid_amount: "The amount does not fit the allotment's unit (whole numbers for counts and minutes, cents for money).",
  allotment_not_active: "The allotment's status does not allow this (a suspended one must be resumed first; a revoked one is ended).",
  insufficient_balance: "The debit is more than the allotment has available (including any overdraft); nothing was debited.",
  debit_already_reversed: "That debit was already reversed.",
};

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const words = WORDS[error.code];
    if (words) return words;
    return error.message || `The request failed (${error.status}).`;
  }
  return WORDS.server_error!;
}

// The guards' answers to a refused cancel: when it becomes possible, in words.
export function guardAnswer(error: unknown, when: (iso: string) => string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const d = error.details;
  if (error.code === "cancel_locked" && typeof d.earliest_cancel_at === "string") {
    const cycles = typeof d.remaining_cycles === "number" ? ` (${d.remaining_cycles} more paid renewal(s))` : "";
    return `It can be cancelled from ${when(d.earliest_cancel_at)}${cycles}.`;
  }
  if (error.code === "contract_notice_period" && typeof d.window_opens_at === "string") {
    return `The notice window opens ${when(d.window_opens_at)}.`;
  }
  if (error.code === "invalid_transition" && typeof d.status === "string") {
    return `It is ${d.status.replace("_", " ")} now.`;
  }
  return undefined;
}

export function errorFor(fields: FieldError[], name: string): string | undefined {
  const mine = fields.filter((f) => f.field === name || f.field.startsWith(`${name}.`));
  return mine.length ? mine.map((f) => f.message).join("; ") : undefined;
}

// The API's error bodies come in three shapes; this reads all of them.
export function parseErrorBody(status: number, body: unknown): ApiError {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof b.error === "string" ? b.error : status >= 500 ? "server_error" : "unknown";
  const message = typeof b.message === "string" ? b.message : "";
  const fields: FieldError[] = [];
  if (Array.isArray(b.fields)) {
    for (const f of b.fields as Array<Record<string, unknown>>) {
      const field = Array.isArray(f.field) ? f.field.join(".") : String(f.field ?? "");
      fields.push({ field, message: String(f.message ?? "") });
    }
  }
  if (Array.isArray(b.errors)) {
    // Endpoint validation lists plain sentences, not tied to one field.
    // Custom field values name the field's key with each refusal.
    for (const e of b.errors as unknown[]) fields.push(listedError(e));
  }
  return new ApiError(status, code, message, fields, b);
}

function listedError(e: unknown): FieldError {
  if (typeof e !== "object" || e === null) return { field: "", message: String(e) };
  const r = e as Record<string, unknown>;
  const message = String(r.message ?? "");
  return { field: String(r.key ?? ""), message: typeof r.code === "string" ? `${message} (${r.code})` : message };
}
