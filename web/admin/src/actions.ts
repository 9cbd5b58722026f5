// Which lifecycle actions a subscription's status allows, so the page offers only those.
// The API still decides: a refused one answers with its reason, shown in words.
import type { Subscription } from "./api/types";

export type Action = "pause" | "resume" | "skip" | "cancel" | "cancel_at_period_end" | "withdraw_cancel" | "retry_payment";

export function availableActions(sub: Pick<Subscription, "status" | "cancel_at">): Action[] {
  const live = ["trialing", "active"].includes(sub.status);
  const actions: Action[] = [];
  if (live) actions.push("pause", "skip");
  if (sub.status === "paused") actions.push("resume");
  if (sub.status === "past_due") actions.push("retry_payment");
  if (!["cancelled", "expired"].includes(sub.status)) actions.push("cancel");
  if (live && !sub.cancel_at) actions.push("cancel_at_period_end");
  if (sub.cancel_at) actions.push("withdraw_cancel");
  return actions;
}

export const ACTION_WORDS: Record<Action, string> = {
  pause: "Pause",
  resume: "Resume",
  skip: "Skip next renewal",
  cancel: "Cancel now",
  cancel_at_period_end: "Cancel at period end",
  withdraw_cancel: "Keep renewing",
  retry_payment: "Retry payment now",
};

export const ACTION_DONE: Record<Action, string> = {
  pause: "The subscription is paused.",
  resume: "The subscription is active again.",
  skip: "The next renewal is skipped.",
  cancel: "The subscription is cancelled.",
  cancel_at_period_end: "The subscription will be cancelled at the end of its period.",
  withdraw_cancel: "The scheduled cancel is withdrawn.",
  retry_payment: "The payment will be retried in a moment.",
};

export function actionRequest(action: Action, id: string): { method: "POST" | "DELETE"; path: string; body?: unknown } {
  const base = `/admin/subscriptions/${encodeURIComponent(id)}`;
  switch (action) {
    case "pause":
      return { method: "POST", path: `${base}/pause` };
    case "resume":
      return { method: "POST", path: `${base}/resume` };
    case "skip":
      return { method: "POST", path: `${base}/skip` };
    case "cancel":
      return { method: "POST", path: `${base}/cancel`, body: { when: "immediately" } };
    case "cancel_at_period_end":
      return { method: "POST", path: `${base}/cancel`, body: { when: "period_end" } };
    case "withdraw_cancel":
      return { method: "DELETE", path: `${base}/scheduled-cancel` };
    case "retry_payment":
      return { method: "POST", path: `${base}/retry-payment` };
  }
}
