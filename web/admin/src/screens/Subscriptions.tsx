// Every subscription of the store, filtered by status, customer, product and renewal window,
// a page at a time.
import { Badge, Box, Button, Flex, Form, FormGroup, Input, Link, Panel, Select, Table, Text } from "@bigcommerce/big-design";
import { useState } from "react";
import { STATUSES, type Status, type Subscription, type SubscriptionList } from "../api/types";
import { Empty, Loaded } from "../components/States";
import { Pager } from "../components/Pager";
import { dateTime, money, renewalTotal, statusVariant, statusWords } from "../format";
import { currentCursor, FIRST } from "../paging";
import { filterQuery, filtersFromForm, formFromFilters, type FilterForm } from "../subscriptionFilters";
import { href, type SubscriptionFilters } from "../router";
import { useLoad } from "../useApi";

const PAGE = 25;

export function Subscriptions({ filters }: { filters: SubscriptionFilters }) {
  const key = href({ screen: "subscriptions", ...filters });
  return <FilteredList key={key} filters={filters} />;
}

function FilteredList({ filters }: { filters: SubscriptionFilters }) {
  const [pages, setPages] = useState(FIRST);
  const cursor = currentCursor(pages);
  const [load, reload] = useLoad(
    (api) => api.get<SubscriptionList>("/admin/subscriptions", { ...filterQuery(filters), cursor, limit: PAGE }),
    `${href({ screen: "subscriptions", ...filters })}|${cursor ?? ""}`,
  );
  const filtered = Object.keys(filters).length > 0;
  return (
    <Panel header="Subscriptions" data-screen="subscriptions">
      <FilterBar filters={filters} />
      <Loaded load={load} what="subscriptions" retry={reload}>
        {(page) =>
          page.items.length === 0 && page.next_cursor === null && pages.index === 0 ? (
            <Empty
              heading="No subscriptions"
              message={filtered ? "No subscription matches these filters." : "No shopper has subscribed yet."}
            />
          ) : (
            <>
              {page.items.length === 0 ? (
                <Text>No match on this page; the next page may hold more.</Text>
              ) : (
                <SubscriptionTable items={page.items} />
              )}
              <Pager pages={pages} nextCursor={page.next_cursor} onChange={setPages} />
            </>
          )
        }
      </Loaded>
    </Panel>
  );
}

function FilterBar({ filters }: { filters: SubscriptionFilters }) {
  const [form, setForm] = useState<FilterForm>(() => formFromFilters(filters));
  const set = (name: keyof FilterForm) => (value: string) => setForm((f) => ({ ...f, [name]: value }));
  const apply = (next: FilterForm) => {
    window.location.hash = href({ screen: "subscriptions", ...filtersFromForm(next) });
  };
  return (
    <Form
      aria-label="Filters"
      onSubmit={(e) => {
        e.preventDefault();
        apply(form);
      }}
    >
      <Flex flexGap="1rem" flexWrap="wrap" alignItems="flex-end" marginBottom="medium">
        <Box style={{ minWidth: "12rem" }}>
          <Select
            label="Status"
            options={[{ value: "", content: "Any status" }, ...STATUSES.map((s) => ({ value: s, content: statusWords(s) }))]}
            value={form.status}
            onOptionChange={(v?: string) => apply({ ...form, status: (v ?? "") as Status | "" })}
          />
        </Box>
        <FormGroup>
          <Input label="Customer id" value={form.customer_id} onChange={(e) => set("customer_id")(e.target.value.replace(/\D/g, ""))} />
        </FormGroup>
        <FormGroup>
          <Input label="Product id" value={form.product_id} onChange={(e) => set("product_id")(e.target.value.replace(/\D/g, ""))} />
        </FormGroup>
        <FormGroup>
          <Input label="Renews from" type="date" value={form.renews_after} onChange={(e) => set("renews_after")(e.target.value)} />
        </FormGroup>
        <FormGroup>
          <Input label="Renews before" type="date" value={form.renews_before} onChange={(e) => set("renews_before")(e.target.value)} />
        </FormGroup>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </Flex>
    </Form>
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
