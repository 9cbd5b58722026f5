// Every subscription of the store, filtered by status, a page at a time.
import { Badge, Box, Link, Panel, Select, Table } from "@bigcommerce/big-design";
import { useState } from "react";
import { STATUSES, type Status, type Subscription, type SubscriptionList } from "../api/types";
import { Empty, Loaded } from "../components/States";
import { Pager } from "../components/Pager";
import { dateTime, money, renewalTotal, statusVariant, statusWords } from "../format";
import { currentCursor, FIRST } from "../paging";
import { href } from "../router";
import { useLoad } from "../useApi";

const PAGE = 25;

export function Subscriptions({ status }: { status?: Status }) {
  const [pages, setPages] = useState(FIRST);
  const cursor = currentCursor(pages);
  const [load, reload] = useLoad(
    (api) => api.get<SubscriptionList>("/admin/subscriptions", { status, cursor, limit: PAGE }),
    `${status ?? ""}|${cursor ?? ""}`,
  );
  const choose = (value?: string) => {
    setPages(FIRST);
    window.location.hash = href({ screen: "subscriptions", status: value ? (value as Status) : undefined });
  };
  return (
    <Panel header="Subscriptions" data-screen="subscriptions">
      <Box marginBottom="medium" style={{ maxWidth: "20rem" }}>
      <Select
        label="Status"
        options={[{ value: "", content: "Any status" }, ...STATUSES.map((s) => ({ value: s, content: statusWords(s) }))]}
        value={status ?? ""}
        onOptionChange={choose}
      />
      </Box>
      <Loaded load={load} what="subscriptions" retry={reload}>
        {(page) =>
          page.items.length === 0 && pages.index === 0 ? (
            <Empty
              heading="No subscriptions"
              message={status ? `No subscription is ${statusWords(status).toLowerCase()}.` : "No shopper has subscribed yet."}
            />
          ) : (
            <>
              <SubscriptionTable items={page.items} />
              <Pager pages={pages} nextCursor={page.next_cursor} onChange={setPages} />
            </>
          )
        }
      </Loaded>
    </Panel>
  );
}

export function SubscriptionTable({ items }: { items: Subscription[] }) {
  return (
    <Table
      keyField="id"
      itemName="subscriptions"
      items={items}
      columns={[
        {
          header: "Subscription",
          hash: "id",
          render: (s) => <Link href={href({ screen: "subscription", id: s.id })}>{s.id}</Link>,
        },
        { header: "Status", hash: "status", render: (s) => <Badge label={statusWords(s.status)} variant={statusVariant(s.status)} /> },
        { header: "Customer", hash: "customer", render: (s) => `#${s.customer_id}` },
        { header: "Products", hash: "lines", render: (s) => s.lines.map((l) => `${l.quantity} × ${l.name}`).join(", ") },
        { header: "Cadence", hash: "cadence", render: (s) => s.cadence_label },
        { header: "Next renewal", hash: "next", render: (s) => dateTime(s.next_renewal_at) },
        { header: "Total", hash: "total", align: "right", render: (s) => money(renewalTotal(s.lines), s.currency) },
      ]}
    />
  );
}
