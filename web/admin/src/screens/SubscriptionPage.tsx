// One subscription: what renews next and for how much, its history, and what can be done to it.
import { Badge, Button, Flex, H2, Link, Message, Panel, Table, Text } from "@bigcommerce/big-design";
import { useState } from "react";
import { ACTION_DONE, ACTION_WORDS, actionRequest, availableActions, type Action } from "../actions";
import { describeError, ApiError, guardAnswer } from "../api/errors";
import type { CancelView, SubscriptionDetail } from "../api/types";
import { locationStates } from "../deliveryStates";
import { Empty, Loaded } from "../components/States";
import { dateTime, money, renewalTotal, statusVariant, statusWords } from "../format";
import { href } from "../router";
import { useAdminApi, useLoad } from "../useApi";
import { ActorsPanel } from "./ActorsPanel";
import { CustomFieldsPanel } from "./CustomFieldsPanel";
import { DeliveryLocationsPanel } from "./DeliveryLocationsPanel";
import { EntitlementsPanel } from "./EntitlementsPanel";
import { SubscriptionChanges } from "./SubscriptionChanges";

type Row = Record<string, unknown>;

export function SubscriptionPage({ id }: { id: string }) {
  const [load, reload] = useLoad(
    (api) => api.get<SubscriptionDetail>(`/admin/subscriptions/${encodeURIComponent(id)}`),
    id,
  );
  return (
    <div data-screen="subscription">
      <Text marginBottom="medium">
        <Link href={href({ screen: "subscriptions" })}>← All subscriptions</Link>
      </Text>
      <Loaded load={load} what="the subscription" retry={reload}>
        {(detail) => <Detail detail={detail} reload={reload} />}
      </Loaded>
    </div>
  );
}

function Detail({ detail, reload }: { detail: SubscriptionDetail; reload: () => void }) {
  const sub = detail.subscription;
  return (
    <>
      <Panel>
        <Flex justifyContent="space-between" alignItems="center">
          <H2 marginBottom="none">{sub.id}</H2>
          <Badge label={statusWords(sub.status)} variant={statusVariant(sub.status)} data-status={sub.status} />
        </Flex>
        <Text marginTop="small">
          Customer #{sub.customer_id} · {sub.cadence_label} · {sub.paid_cycles} paid cycle(s)
        </Text>
        <Text>
          Next renewal: <strong>{dateTime(sub.next_renewal_at)}</strong> for{" "}
          <strong>{money(renewalTotal(sub.lines), sub.currency)}</strong>
          {sub.resume_at ? ` · resumes ${dateTime(sub.resume_at)}` : ""}
          {sub.cancel_at ? ` · cancels ${dateTime(sub.cancel_at)}` : ""}
        </Text>
        <Actions id={sub.id} status={sub.status} cancelAt={sub.cancel_at ?? null} done={reload} />
        {sub.contract && (
          <Text marginTop="small">
            Contract term until {dateTime(sub.contract.term_end_at)}, {sub.contract.notice_period_days} days' notice; an early cancel is{" "}
            {sub.contract.mode === "block" ? "refused" : "sent to your legal team"}.
          </Text>
        )}
      </Panel>
      <Panel header="Lines">
        <Table
          keyField="product_id"
          items={sub.lines}
          columns={[
            { header: "Product", hash: "name", render: (l) => `${l.name} (#${l.product_id}${l.variant_id ? `, variant ${l.variant_id}` : ""})` },
            { header: "Quantity", hash: "quantity", render: (l) => l.quantity },
            { header: "Unit price", hash: "price", align: "right", render: (l) => money(l.price_inc_tax, sub.currency) },
          ]}
        />
      </Panel>
      <SubscriptionChanges key={sub.updated_at} sub={sub} done={reload} />
      <ActorsPanel subscriptionId={sub.id} />
      <EntitlementsPanel subscriptionId={sub.id} />
      <DeliveryLocationsPanel subscriptionId={sub.id} />
      <CustomFieldsPanel subscriptionId={sub.id} />
      <Panel header="Charges">
        <History
          rows={detail.charges}
          empty="No renewal has been charged yet."
          columns={[
            ["Cycle", (r) => String(r.cycle)],
            ["Stage", (r) => String(r.stage)],
            ["Amount", (r) => money(String(r.amount), String(r.currency))],
            ["Order", (r) => (r.bc_order_id ? `#${String(r.bc_order_id)}` : "—")],
            ["Decline", (r) => String(r.decline_reason ?? r.decline_code ?? "—")],
            ["Updated", (r) => dateTime(String(r.updated_at))],
          ]}
        />
      </Panel>
      <Panel header="Deliveries">
        <History
          rows={detail.deliveries}
          empty="No deliveries yet."
          columns={[
            ["Cycle", (r) => String(r.cycle)],
            ["Scheduled for", (r) => dateTime(String(r.scheduled_for))],
            ["Status", (r) => String(r.status)],
            ["Order", (r) => (r.order_id ? `#${String(r.order_id)}` : "—")],
            ["Locations", (r) => locationStates(r.locations)],
          ]}
        />
      </Panel>
      <Panel header="Events">
        <History
          rows={[...detail.events].reverse()}
          empty="No events."
          columns={[
            ["When", (r) => dateTime(String(r.timestamp))],
            ["Event", (r) => String(r.type)],
          ]}
        />
      </Panel>
    </>
  );
}

function History({ rows, columns, empty }: { rows: Row[]; columns: Array<[string, (r: Row) => string]>; empty: string }) {
  if (rows.length === 0) return <Empty heading="Nothing yet" message={empty} />;
  return (
    <Table
      items={rows.map((r, i) => ({ ...r, _key: i }))}
      keyField="_key"
      columns={columns.map(([header, render]) => ({ header, hash: header, render: (r: Row) => render(r) }))}
    />
  );
}

function Actions({ id, status, cancelAt, done }: { id: string; status: string; cancelAt: string | null; done: () => void }) {
  const api = useAdminApi();
  const [busy, setBusy] = useState<Action | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const run = async (action: Action) => {
    setBusy(action);
    setOutcome(null);
    const { method, path, body } = actionRequest(action, id);
    try {
      const answer = await api.request<Partial<CancelView>>(method, path, body);
      const fee = answer?.early_cancel_fee ? ` An early-cancel fee of ${answer.early_cancel_fee} is owed.` : "";
      setOutcome({ ok: true, text: ACTION_DONE[action] + fee });
      done();
    } catch (error) {
      const code = error instanceof ApiError ? ` (${error.code})` : "";
      const guard = guardAnswer(error, dateTime);
      setOutcome({ ok: false, text: `${describeError(error)}${guard ? ` ${guard}` : ""}${code}` });
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <Flex flexGap="0.5rem" marginTop="medium" flexWrap="wrap">
        {availableActions({ status: status as never, cancel_at: cancelAt }).map((a) => (
          <Button
            key={a}
            variant={a.startsWith("cancel") ? "subtle" : "secondary"}
            actionType={a.startsWith("cancel") ? "destructive" : "normal"}
            isLoading={busy === a}
            disabled={busy !== null}
            onClick={() => void run(a)}
          >
            {ACTION_WORDS[a]}
          </Button>
        ))}
      </Flex>
      {outcome && (
        <Message
          marginTop="medium"
          type={outcome.ok ? "success" : "error"}
          messages={[{ text: outcome.text }]}
          data-outcome={outcome.ok ? "ok" : "error"}
        />
      )}
    </>
  );
}
