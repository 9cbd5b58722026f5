// The onboarding checklist's items in words, each with where the merchant fixes it.
import type { Check } from "./api/types";
import { href, type Route } from "./router";

export interface CheckWords {
  title: string;
  text: string;
  fix?: { label: string; to: string };
}

const TITLES: Record<string, string> = {
  hooks: "BigCommerce webhooks registered and healthy",
  plan: "A first subscription plan",
  capture: "Payment capture matches your gateway",
  endpoint: "A webhook endpoint for your own systems",
  test_mode: "Payment gateway mode",
};

function list(value: unknown): string {
  return Array.isArray(value) && value.length ? value.join(", ") : "none";
}

const CAPTURE_WORDS: Record<string, string> = {
  immediate: "immediately at renewal",
  on_fulfillment: "when the order is fulfilled",
  on_ship: "when the order ships",
};

export function checkWords(check: Check): CheckWords {
  const f = check.facts;
  const title = TITLES[check.key] ?? check.key;
  const to = (route: Route) => href(route);
  switch (check.code) {
    case "hooks_active":
      return { title, text: `All ${String(f.registered)} hooks we need are registered and active.` };
    case "hooks_missing":
      return { title, text: `Not registered: ${list(f.missing)}. Reinstall the app from the BigCommerce Apps menu; the next reconciliation also repairs them.` };
    case "hooks_inactive":
      return { title, text: `BigCommerce deactivated: ${list(f.inactive)}. The next reconciliation re-activates them; events missed meanwhile are fetched then.` };
    case "plan_set":
      return { title, text: `Subscribable products: ${list(f.product_ids)}.`, fix: { label: "Edit plans", to: to({ screen: "plans" }) } };
    case "no_plan":
      return { title, text: "No product has a subscription plan yet, so shoppers cannot subscribe.", fix: { label: "Set a plan", to: to({ screen: "plans" }) } };
    case "capture_matches":
      return { title, text: `You capture ${CAPTURE_WORDS[String(f.capture_timing)] ?? String(f.capture_timing)}, and your gateway ${f.gateway_event === "authorization" ? "authorizes first" : "charges at once"}.` };
    case "gateway_captures_at_once":
      return {
        title,
        text: `You capture ${CAPTURE_WORDS[String(f.capture_timing)] ?? String(f.capture_timing)}, but your gateway charged the order at once (no authorization to capture later). Set the gateway to authorize only, or capture immediately.`,
        fix: { label: "Change capture timing", to: to({ screen: "settings" }) },
      };
    case "gateway_authorizes_only":
      return { title, text: "Your gateway only authorizes; renewals are captured right after, since you capture immediately." };
    case "endpoint_enabled":
      return { title, text: `${String(f.enabled)} endpoint(s) receive subscription events.`, fix: { label: "Webhooks", to: to({ screen: "webhooks" }) } };
    case "endpoints_disabled":
      return { title, text: "Every endpoint is disabled; events are kept for replay.", fix: { label: "Enable one", to: to({ screen: "webhooks" }) } };
    case "no_endpoint":
      return { title, text: "No endpoint yet: add one to receive subscription events on your own server.", fix: { label: "Add an endpoint", to: to({ screen: "webhooks" }) } };
    case "gateway_in_test_mode":
      return { title, text: "Your gateway is in test mode: renewals take no real money. Switch it to live in BigCommerce's payment settings before going live." };
    case "gateway_live":
      return { title, text: "Your gateway is live: renewals take real payments." };
    case "no_order_yet":
      return { title, text: "Judged from the first subscription's checkout order; there is none yet." };
    case "unreadable":
      return { title, text: "BigCommerce did not answer just now; reload to check again." };
    default:
      return { title, text: check.code };
  }
}

export function doneCount(checks: Check[]): number {
  return checks.filter((c) => c.state === "done").length;
}
