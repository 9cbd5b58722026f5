// Changes shoppers asked for that wait for the merchant: approve (the change is applied, or
// the answer says why it could not be) or reject, each with an optional reason.
import { Button, Input, Link, Message, Table, Text } from "@bigcommerce/big-design";
import { useState } from "react";
import { ApiError, describeError } from "../api/errors";
import type { ChangeRequest } from "../api/types";
import { dateTime } from "../format";
import { href } from "../router";
import { useAdminApi } from "../useApi";

const KIND_WORDS: Record<string, string> = {
  pause: "Pause",
  cancel: "Cancel",
  skip: "Skip the next delivery",
  quantity: "Change quantity",
  cadence: "Change cadence",
  address: "Change shipping address",
};

// What the change asks for, in a few words.
export function changeWords(request: Pick<ChangeRequest, "kind" | "change">): string {
  const c = request.change as Record<string, unknown>;
  switch (request.kind) {
    case "pause":
      return c.resume_at ? `until ${String(c.resume_at)}` : "indefinitely";
    case "cancel":
      return c.when === "period_end" ? "at period end" : "immediately";
    case "quantity":
      return `product ${String(c.product_id)} to ${String(c.quantity)}`;
    case "cadence":
      return `to ${String(c.cadence)}`;
    case "address": {
      const a = (c.address ?? {}) as Record<string, string>;
      return [a.street_1, a.city, a.zip].filter(Boolean).join(", ");
    }
    default:
      return "";
  }
}

// The merchant's answer after a decision: applied, not applied (with the guard's reason), rejected.
export function decisionWords(request: ChangeRequest): { ok: boolean; text: string } {
  const what = KIND_WORDS[request.kind] ?? request.kind;
  if (request.status === "applied") return { ok: true, text: `${what}: approved and applied.` };
  if (request.status === "rejected") return { ok: true, text: `${what}: rejected.` };
  if (request.status === "not_applied") {
    const why = request.outcome ? `${request.outcome.message} (${request.outcome.code})` : "";
    return { ok: false, text: `${what}: approved, but not applied: ${why}` };
  }
  return { ok: false, text: `${what}: ${request.status}.` };
}

export function ChangeRequestTable({ items, reload }: { items: ChangeRequest[]; reload: () => void }) {
  const api = useAdminApi();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const decide = async (r: ChangeRequest, decision: "approve" | "reject") => {
    const path = `/admin/subscriptions/${encodeURIComponent(r.subscription_id)}/change-requests/${encodeURIComponent(r.id)}/${decision}`;
    const reason = reasons[r.id]?.trim();
    try {
      const done = await api.post<ChangeRequest>(path, reason ? { reason } : undefined);
      setOutcome(decisionWords(done));
      reload();
    } catch (error) {
      const code = error instanceof ApiError ? ` (${error.code})` : "";
      setOutcome({ ok: false, text: describeError(error) + code });
    }
  };
  return (
    <>
      {outcome && <Message type={outcome.ok ? "success" : "error"} messages={[{ text: outcome.text }]} marginBottom="medium" />}
      <Table
        keyField="id"
        items={items}
        columns={[
          { header: "Subscription", hash: "sub", render: (r) => <Link href={href({ screen: "subscription", id: r.subscription_id })}>{r.subscription_id}</Link> },
          { header: "Change", hash: "kind", render: (r) => <Text marginBottom="none">{`${KIND_WORDS[r.kind] ?? r.kind} ${changeWords(r)}`.trim()}</Text> },
          { header: "Asked by", hash: "by", render: (r) => (r.requested_by.customer_id ? `customer ${r.requested_by.customer_id}` : r.requested_by.actor) },
          { header: "Asked", hash: "at", render: (r) => dateTime(r.submitted_at) },
          { header: "Expires", hash: "expires", render: (r) => dateTime(r.expires_at) },
          {
            header: "Reason",
            hash: "reason",
            render: (r) => (
              <Input
                aria-label={`Reason for ${r.id}`}
                maxLength={500}
                value={reasons[r.id] ?? ""}
                onChange={(e) => setReasons({ ...reasons, [r.id]: e.target.value })}
              />
            ),
          },
          {
            header: "",
            hash: "decide",
            render: (r) => (
              <>
                <Button variant="primary" onClick={() => void decide(r, "approve")}>
                  Approve
                </Button>
                <Button variant="subtle" onClick={() => void decide(r, "reject")}>
                  Reject
                </Button>
              </>
            ),
          },
        ]}
      />
    </>
  );
}
