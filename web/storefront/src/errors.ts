import { ApiError } from "./api";
import { roleList } from "./access";
import { formatDate } from "./format";

/** What a shopper reads for a failed call: the API's answer in words. */
export function describe(failure: unknown): string {
  if (!(failure instanceof ApiError)) return "Something went wrong. Please reload the page.";
  const b = failure.body;
  switch (failure.code) {
    case "not_signed_in":
      return "Sign in to your account to see your subscriptions.";
    case "unauthorized":
      return "Your sign-in could not be confirmed. Please sign in again.";
    case "network":
      return "The subscriptions service could not be reached. Check your connection and try again.";
    case "not_found":
      return "This subscription was not found.";
    case "invalid_transition":
      return `That is not possible while the subscription is ${b.status ?? "in its current state"}.`;
    case "cancel_locked":
      return (
        `Your plan has a minimum term: you can cancel from ${formatDate(b.earliest_cancel_at)}` +
        (b.remaining_cycles ? ` (${b.remaining_cycles} more renewals).` : ".")
      );
    case "contract_notice_period":
      return `Your contract can be cancelled from ${formatDate(b.window_opens_at)}.`;
    case "cancel_routed_to_legal":
      return (
        "Your request to cancel was passed to the store, which will contact you. " +
        `Cancelling is possible from ${formatDate(b.window_opens_at)}.`
      );
    case "cancel_at_period_end_unavailable":
      return "Only an active subscription can end with its period. Cancel now instead.";
    case "cancel_already_scheduled":
      return "This subscription already ends with its current period.";
    case "no_scheduled_cancel":
      return "There is no scheduled cancellation to withdraw.";
    case "cadence_not_offered":
      return "That delivery schedule is not offered for this product.";
    case "unknown_instrument":
      return "That card is not one of your saved payment methods.";
    case "payment_method_unknown":
      return "None of your subscriptions was paid by card yet, so no card can be chosen here.";
    case "rate_limited": {
      const minutes = Math.max(1, Math.ceil((failure.retryAfterS ?? 60) / 60));
      return `Too many changes in a short time. Try again in ${minutes} minute${minutes > 1 ? "s" : ""}.`;
    }
    case "concurrent_change":
      return "The subscription changed meanwhile. It has been reloaded; please try again.";
    case "storage_busy":
      return "The service is busy. Please try again in a moment.";
    case "role_forbids_action":
      return `As ${roleList(b.roles ?? [])} of this subscription you cannot do that; ask its owner.`;
    case "invalid_custom_fields": {
      const each = (b.errors ?? []).map((e) => `${e.key}: ${e.message}`);
      return `Please check your details: ${each.length ? each.join("; ") : "some values are not accepted"}.`;
    }
    case "invalid_request": {
      const fields = (b.fields ?? []).map((f) => `${label(f.field)}: ${f.message}`);
      return `Please check ${fields.length ? fields.join("; ") : "what you entered"}.`;
    }
    default:
      return `Something went wrong (${failure.code}). Please try again.`;
  }
}

const LABELS: Record<string, string> = {
  resume_at: "the resume date",
  quantity: "the quantity",
  cadence: "the schedule",
  street_1: "the street",
  zip: "the postal code",
  country_iso2: "the country code",
  first_name: "the first name",
  last_name: "the last name",
  city: "the city",
};

function label(field: string): string {
  return LABELS[field] ?? field.replace(/_/g, " ");
}
