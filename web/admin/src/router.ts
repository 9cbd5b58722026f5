// Screens are addressed by the URL's hash, so the iframe's own URL (with BigCommerce's
// signed payload) is never touched and a reload of the frame lands on the same screen.
import { useEffect, useState } from "react";
import { STATUSES, type Status } from "./api/types";

export const QUEUES = ["failed-charges", "requires-action", "stuck-workflows", "dead-letters", "change-requests"] as const;
export type Queue = (typeof QUEUES)[number];

// The list's filters as the API names them (renewal window as ISO dates, UTC).
export interface SubscriptionFilters {
  status?: Status;
  customer_id?: number;
  product_id?: number;
  renews_after?: string;
  renews_before?: string;
}

const FILTER_KEYS = ["status", "customer_id", "product_id", "renews_after", "renews_before"] as const;

export type Route =
  | { screen: "dashboard" }
  | { screen: "onboarding" }
  | ({ screen: "subscriptions" } & SubscriptionFilters)
  | { screen: "subscription"; id: string }
  | { screen: "ops"; queue: Queue }
  | { screen: "settings" }
  | { screen: "custom_fields" }
  | { screen: "allotments"; customer_id?: number }
  | { screen: "webhooks" }
  | { screen: "deliveries"; endpointId: string }
  | { screen: "plans"; productId?: number }
  | { screen: "not_found"; hash: string };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  const [first, second, ...rest] = parts;
  if (rest.length) return { screen: "not_found", hash };
  if (!first) return { screen: "dashboard" };
  if (first === "onboarding" && !second) return { screen: "onboarding" };
  if (first === "subscriptions" && !second) return { screen: "subscriptions", ...readFilters(params) };
  if (first === "subscriptions" && second) return { screen: "subscription", id: second };
  if (first === "ops") {
    const queue = QUEUES.find((q) => q === second);
    if (queue) return { screen: "ops", queue };
  }
  if (first === "settings" && !second) return { screen: "settings" };
  if (first === "custom-fields" && !second) return { screen: "custom_fields" };
  if (first === "allotments" && !second) return allotmentsRoute(params);
  if (first === "plans" && !second) return { screen: "plans" };
  if (first === "plans" && second && /^[1-9]\d*$/.test(second)) return { screen: "plans", productId: Number(second) };
  if (first === "webhooks" && !second) return { screen: "webhooks" };
  if (first === "webhooks" && second) return { screen: "deliveries", endpointId: second };
  return { screen: "not_found", hash };
}

export function href(route: Route): string {
  switch (route.screen) {
    case "dashboard":
      return "#/";
    case "onboarding":
      return "#/onboarding";
    case "subscriptions": {
      const params = new URLSearchParams();
      for (const key of FILTER_KEYS) {
        const value = route[key];
        if (value !== undefined && value !== "") params.set(key, String(value));
      }
      const qs = params.toString();
      return qs ? `#/subscriptions?${qs}` : "#/subscriptions";
    }
    case "subscription":
      return `#/subscriptions/${encodeURIComponent(route.id)}`;
    case "ops":
      return `#/ops/${route.queue}`;
    case "settings":
      return "#/settings";
    case "custom_fields":
      return "#/custom-fields";
    case "allotments":
      return route.customer_id ? `#/allotments?customer_id=${route.customer_id}` : "#/allotments";
    case "webhooks":
      return "#/webhooks";
    case "deliveries":
      return `#/webhooks/${encodeURIComponent(route.endpointId)}`;
    case "plans":
      return route.productId ? `#/plans/${route.productId}` : "#/plans";
    case "not_found":
      return route.hash;
  }
}

function readFilters(params: URLSearchParams): SubscriptionFilters {
  const filters: SubscriptionFilters = {};
  const status = STATUSES.find((s) => s === params.get("status"));
  if (status) filters.status = status;
  for (const key of ["customer_id", "product_id"] as const) {
    const raw = params.get(key) ?? "";
    if (/^[1-9]\d*$/.test(raw)) filters[key] = Number(raw);
  }
  for (const key of ["renews_after", "renews_before"] as const) {
    const raw = params.get(key) ?? "";
    if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) filters[key] = raw;
  }
  return filters;
}

function allotmentsRoute(params: URLSearchParams): Route {
  const raw = params.get("customer_id") ?? "";
  return /^[1-9]\d*$/.test(raw) ? { screen: "allotments", customer_id: Number(raw) } : { screen: "allotments" };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}
