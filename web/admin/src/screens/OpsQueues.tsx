// The work the engine could not finish on its own, queue by queue.
import { Badge, Button, Link, Panel, Table, Tabs, Text, Message } from "@bigcommerce/big-design";
import { useState } from "react";
import { ApiError, describeError } from "../api/errors";
import type { ChangeRequestQueue, DeadLetterList, OpsQueue, StuckWorkflowQueue } from "../api/types";
import { Pager } from "../components/Pager";
import { Empty, Loaded } from "../components/States";
import { dateTime, statusVariant, statusWords } from "../format";
import { currentCursor, FIRST } from "../paging";
import { href, QUEUES, type Queue } from "../router";
import { useAdminApi, useLoad } from "../useApi";
import { ChangeRequestTable } from "./ChangeRequests";
import { OpsItems } from "./OpsItems";
import { QUEUE_WORDS } from "./Dashboard";

const EMPTY: Record<Queue, string> = {
  "failed-charges": "No renewal charge is failing.",
  "requires-action": "No subscription is waiting for its shopper.",
  "stuck-workflows": "Every renewal finished on time.",
  "dead-letters": "Nothing was given up on.",
  "change-requests": "No change waits for approval.",
};

const NEXT_WORDS: Record<string, string> = {
  retry: "retried automatically",
  new_card: "waiting for a new card",
  authenticate: "waiting for the shopper to authenticate",
  give_up: "final action due",
};

export function OpsQueueScreen({ queue }: { queue: Queue }) {
  return (
    <Panel data-screen={`ops-${queue}`}>
      <Tabs
        activeTab={queue}
        items={QUEUES.map((q) => ({ id: q, title: QUEUE_WORDS[q] }))}
        onTabClick={(q) => (window.location.hash = href({ screen: "ops", queue: q as Queue }))}
      />
      <QueuePage key={queue} queue={queue} />
      <OpsItems />
    </Panel>
  );
}

function QueuePage({ queue }: { queue: Queue }) {
  const [pages, setPages] = useState(FIRST);
  const cursor = currentCursor(pages);
  const [load, reload] = useLoad(
    (api) => api.get<{ items: unknown[]; next_cursor: string | null }>(`/admin/ops/${queue}`, { cursor, limit: 25 }),
    `${queue}|${cursor ?? ""}`,
  );
  return (
    <Loaded load={load} what={QUEUE_WORDS[queue]} retry={reload}>
      {(page) =>
        page.items.length === 0 && pages.index === 0 ? (
          <Empty heading="All clear" message={EMPTY[queue]} />
        ) : (
          <>
            {queue === "stuck-workflows" ? (
              <StuckTable items={(page as StuckWorkflowQueue).items} />
            ) : queue === "dead-letters" ? (
              <DeadLetterTable items={(page as DeadLetterList).items} reload={reload} />
            ) : queue === "change-requests" ? (
              <ChangeRequestTable items={(page as ChangeRequestQueue).items} reload={reload} />
            ) : (
              <DunningTable items={(page as OpsQueue).items} />
            )}
            <Pager pages={pages} nextCursor={page.next_cursor} onChange={setPages} />
          </>
        )
      }
    </Loaded>
  );
}

function subLink(id: string) {
  return <Link href={href({ screen: "subscription", id })}>{id}</Link>;
}

function DunningTable({ items }: { items: OpsQueue["items"] }) {
  return (
    <Table
      keyField="key"
      items={items.map((i) => ({ ...i, key: i.subscription.id }))}
      columns={[
        { header: "Subscription", hash: "id", render: (i) => subLink(i.subscription.id) },
        { header: "Status", hash: "status", render: (i) => <Badge label={statusWords(i.subscription.status)} variant={statusVariant(i.subscription.status)} /> },
        { header: "Cycle", hash: "cycle", render: (i) => i.dunning?.cycle ?? "—" },
        { header: "Failed attempts", hash: "attempts", render: (i) => i.dunning?.failed_attempts ?? "—" },
        { header: "Decline", hash: "decline", render: (i) => i.dunning?.decline_class ?? "—" },
        { header: "Next", hash: "next", render: (i) => (i.dunning ? NEXT_WORDS[i.dunning.next] ?? i.dunning.next : "—") },
        { header: "Next retry", hash: "retry", render: (i) => dateTime(i.dunning?.next_retry_at) },
        { header: "Final action", hash: "final", render: (i) => dateTime(i.dunning?.final_action_at) },
      ]}
    />
  );
}

const DIAGNOSIS: Record<string, string> = {
  not_claimed: "No worker claimed the cycle",
  lease_held: "A worker is on it",
  lease_expired: "Its worker died or gave up",
  idle: "Claimed, waiting to be resumed",
};

function StuckTable({ items }: { items: StuckWorkflowQueue["items"] }) {
  return (
    <Table
      keyField="key"
      items={items.map((i) => ({ ...i, key: `${i.subscription_id}-${i.cycle}` }))}
      columns={[
        { header: "Subscription", hash: "id", render: (i) => subLink(i.subscription_id) },
        { header: "Cycle", hash: "cycle", render: (i) => i.cycle },
        { header: "Due", hash: "due", render: (i) => dateTime(i.due_at) },
        { header: "Overdue", hash: "overdue", render: (i) => `${i.minutes_overdue} min` },
        { header: "Diagnosis", hash: "diagnosis", render: (i) => DIAGNOSIS[i.diagnosis] ?? i.diagnosis },
        { header: "Charge", hash: "charge", render: (i) => (i.charge ? `${i.charge.stage}, ${i.charge.payment_attempts} attempt(s)` : "none yet") },
      ]}
    />
  );
}

function DeadLetterTable({ items, reload }: { items: DeadLetterList["items"]; reload: () => void }) {
  const api = useAdminApi();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const redrive = async (id: string) => {
    try {
      await api.post(`/admin/ops/dead-letters/${encodeURIComponent(id)}/redrive`);
      setOutcome({ ok: true, text: "Sent again." });
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
          { header: "When", hash: "at", render: (d) => dateTime(d.at) },
          { header: "Kind", hash: "kind", render: (d) => (d.kind === "renewal" ? "Renewal" : "Webhook delivery") },
          {
            header: "About",
            hash: "about",
            render: (d) =>
              d.subscription_id ? (
                <>
                  {subLink(d.subscription_id)} cycle {d.cycle}
                </>
              ) : (
                <Text marginBottom="none">{`${d.event_type ?? ""} to ${d.endpoint_id ?? ""}`}</Text>
              ),
          },
          { header: "Attempts", hash: "attempts", render: (d) => d.attempts },
          { header: "Error", hash: "error", render: (d) => d.error },
          {
            header: "",
            hash: "redrive",
            render: (d) =>
              d.redriven_at ? (
                `Sent again ${dateTime(d.redriven_at)}`
              ) : (
                <Button variant="secondary" onClick={() => void redrive(d.id)}>
                  Redrive
                </Button>
              ),
          },
        ]}
      />
    </>
  );
}
