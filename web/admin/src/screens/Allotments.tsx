// The store's allotments (quotas a merchant grants to a customer, independent of payment): list
// them by customer a page at a time, grant one, and per grant see its balance and debits (with
// what refunds or the merchant gave back of each), debit it by hand, reverse what remains of a
// debit, suspend, resume or revoke it.
import { Badge, Box, Button, Flex, Form, FormGroup, Input, Panel, Select, Table, Text } from "@bigcommerce/big-design";
import { useState } from "react";
import { errorFor } from "../api/errors";
import type { AllotmentDebit, AllotmentDebitList, AllotmentDebitResult, Grant, GrantList, GrantStatus } from "../api/types";
import {
  blankGrant,
  cadenceWords,
  debitBody,
  grantBody,
  INTERVALS,
  ORDER_DEBIT_WORDS,
  ORDER_DEBITS,
  quantity,
  ROLLOVER_WORDS,
  ROLLOVERS,
  UNIT_WORDS,
  UNITS,
  withUnit,
  type GrantForm,
} from "../allotmentForm";
import { givenBackWords, remains, reverseLabel, reversedWords } from "../debitReversals";
import { Pager } from "../components/Pager";
import { Empty, Loaded } from "../components/States";
import { OutcomeMessage, refusal, type Outcome } from "../components/Outcome";
import { dateTime } from "../format";
import { currentCursor, FIRST } from "../paging";
import { href } from "../router";
import { useAdminApi, useLoad } from "../useApi";

const PAGE = 25;

const STATUS_VARIANT: Record<GrantStatus, "success" | "warning" | "secondary"> = {
  active: "success",
  suspended: "warning",
  revoked: "secondary",
};

export function Allotments({ customerId }: { customerId?: number }) {
  const [pages, setPages] = useState(FIRST);
  const [open, setOpen] = useState<string | null>(null);
  const cursor = currentCursor(pages);
  const [load, reload] = useLoad(
    (api) => api.get<GrantList>("/admin/allotments", { customer_id: customerId, cursor, limit: PAGE }),
    `allotments|${customerId ?? ""}|${cursor ?? ""}`,
  );
  return (
    <>
      <Panel header="Allotments" data-screen="allotments">
        <CustomerFilter customerId={customerId} />
        <Loaded load={load} what="the allotments" retry={reload}>
          {(page) =>
            page.allotments.length === 0 && pages.index === 0 ? (
              <Empty
                heading="No allotments"
                message={customerId ? `Customer #${customerId} holds no allotment.` : "No allotment has been granted yet; grant one below."}
              />
            ) : (
              <>
                <GrantTable grants={page.allotments} onOpen={setOpen} />
                <Pager pages={pages} nextCursor={page.cursor} onChange={setPages} />
              </>
            )
          }
        </Loaded>
      </Panel>
      {open && <GrantDetail key={open} id={open} changed={reload} />}
      <Panel header="Grant an allotment">
        <GrantEditor
          initialCustomer={customerId}
          granted={(grant) => {
            reload();
            setOpen(grant.id);
          }}
        />
      </Panel>
    </>
  );
}

function CustomerFilter({ customerId }: { customerId?: number }) {
  const [text, setText] = useState(customerId ? String(customerId) : "");
  return (
    <Form
      aria-label="Filter allotments"
      onSubmit={(e) => {
        e.preventDefault();
        const id = /^[1-9]\d*$/.test(text) ? Number(text) : undefined;
        window.location.hash = href({ screen: "allotments", customer_id: id });
      }}
    >
      <Flex flexGap="1rem" alignItems="flex-end" marginBottom="medium">
        <FormGroup>
          <Input label="Customer id" value={text} onChange={(e) => setText(e.target.value.replace(/\D/g, ""))} />
        </FormGroup>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </Flex>
    </Form>
  );
}

export function GrantTable({ grants, onOpen }: { grants: Grant[]; onOpen: (id: string) => void }) {
  return (
    <Table
      keyField="id"
      itemName="allotments"
      items={grants}
      columns={[
        { header: "Customer", hash: "customer", render: (g) => `#${g.customer_id}` },
        { header: "Unit", hash: "unit", render: (g) => (g.unit === "currency" ? `${UNIT_WORDS.currency} (${g.currency_code})` : UNIT_WORDS[g.unit]) },
        { header: "Per period", hash: "per", render: (g) => `${quantity(g, g.amount_per_period)} · ${cadenceWords(g.cadence)}` },
        { header: "Balance", hash: "balance", align: "right", render: (g) => quantity(g, g.balance) },
        { header: "Available", hash: "available", align: "right", render: (g) => quantity(g, g.available) },
        { header: "Status", hash: "status", render: (g) => <Badge label={g.status} variant={STATUS_VARIANT[g.status]} /> },
        {
          header: "",
          hash: "open",
          render: (g) => (
            <Button variant="subtle" onClick={() => onOpen(g.id)}>
              Open
            </Button>
          ),
        },
      ]}
    />
  );
}

/** Run one call with a busy flag; say what it did, or why it was refused. */
function useAction(after: () => void) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const run = async <T,>(call: () => Promise<T>, text: (answer: T) => string, then?: (answer: T) => void) => {
    setBusy(true);
    setOutcome(null);
    try {
      const answer = await call();
      setOutcome({ ok: true, text: text(answer) });
      then?.(answer);
      after();
    } catch (error) {
      setOutcome(refusal(error));
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, setOutcome, run };
}

export function GrantEditor({ initialCustomer, granted }: { initialCustomer?: number; granted: (grant: Grant) => void }) {
  const api = useAdminApi();
  const [form, setForm] = useState<GrantForm>(() => ({ ...blankGrant(), customer_id: initialCustomer ? String(initialCustomer) : "" }));
  const { busy, outcome, setOutcome, run } = useAction(() => undefined);
  const fields = outcome && !outcome.ok ? (outcome.fields ?? []) : [];
  const set = <K extends keyof GrantForm>(k: K) => (v: GrantForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const text = (k: "customer_id" | "currency_code" | "amount_per_period" | "interval_count" | "overdraft_limit" | "reason", label: string, api_field: string = k) => (
    <FormGroup>
      <Input label={label} value={form[k]} onChange={(e) => set(k)(e.target.value)} error={errorFor(fields, api_field)} />
    </FormGroup>
  );
  const submit = () => {
    const made = grantBody(form);
    if ("errors" in made) return setOutcome({ ok: false, error: null, fields: made.errors });
    void run(
      () => api.post<Grant>("/admin/allotments", made.body),
      (g) => `Granted to customer #${g.customer_id}: ${quantity(g, g.balance)} available now.`,
      (g) => {
        setForm(blankGrant());
        granted(g);
      },
    );
  };
  return (
    <Box data-form="grant">
      <Flex flexGap="1rem" flexWrap="wrap">
        {text("customer_id", "Customer id")}
        <FormGroup>
          <Select
            label="Unit"
            options={UNITS.map((u) => ({ value: u, content: UNIT_WORDS[u] }))}
            value={form.unit}
            onOptionChange={(u) => u && setForm((f) => withUnit(f, u))}
            error={errorFor(fields, "unit")}
          />
        </FormGroup>
        {form.unit === "currency" && text("currency_code", "Currency code")}
        {text("amount_per_period", "Amount per period")}
        <FormGroup>
          <Select
            label="Refresh"
            options={[{ value: "", content: "Never (one-off)" }, ...INTERVALS.map((i) => ({ value: i, content: `Every ${i}` }))]}
            value={form.interval}
            onOptionChange={(i?: string) => set("interval")((i ?? "") as GrantForm["interval"])}
            error={errorFor(fields, "cadence.interval")}
          />
        </FormGroup>
        {form.interval && text("interval_count", "Intervals per refresh", "cadence.interval_count")}
        <FormGroup>
          <Select
            label="Rollover"
            options={ROLLOVERS.map((r) => ({ value: r, content: ROLLOVER_WORDS[r] }))}
            value={form.rollover}
            onOptionChange={(r) => r && set("rollover")(r)}
            error={errorFor(fields, "rollover")}
          />
        </FormGroup>
        {text("overdraft_limit", "Overdraft limit (empty: none)")}
        <FormGroup>
          <Select
            label="Orders that debit it"
            options={ORDER_DEBITS[form.unit].map((o) => ({ value: o, content: ORDER_DEBIT_WORDS[o] }))}
            value={form.order_debit}
            onOptionChange={(o) => o && set("order_debit")(o)}
            error={errorFor(fields, "order_debit")}
          />
        </FormGroup>
        {text("reason", "Reason")}
      </Flex>
      <Button marginTop="medium" isLoading={busy} disabled={busy} onClick={submit}>
        Grant
      </Button>
      <OutcomeMessage outcome={outcome} />
    </Box>
  );
}

export function GrantDetail({ id, changed }: { id: string; changed: () => void }) {
  const path = `/admin/allotments/${encodeURIComponent(id)}`;
  const [load, reload] = useLoad(
    async (api) => {
      const [grant, list] = await Promise.all([api.get<Grant>(path), api.get<AllotmentDebitList>(`${path}/debits`)]);
      return { grant, debits: list.debits };
    },
    `allotment|${id}`,
  );
  const after = () => {
    reload();
    changed();
  };
  return (
    <Panel header={`Allotment ${id}`} data-allotment={id}>
      <Loaded load={load} what="the allotment" retry={reload}>
        {({ grant, debits }) => <GrantView grant={grant} debits={debits} path={path} after={after} />}
      </Loaded>
    </Panel>
  );
}

function GrantView({ grant, debits, path, after }: { grant: Grant; debits: AllotmentDebit[]; path: string; after: () => void }) {
  const api = useAdminApi();
  const { busy, outcome, setOutcome, run } = useAction(after);
  const [reason, setReason] = useState("");
  const [amount, setAmount] = useState("");
  // One key per debit typed in: a retry after a lost answer debits once.
  const [debitKey, setDebitKey] = useState(newKey);
  const fields = outcome && !outcome.ok ? (outcome.fields ?? []) : [];
  const status = (action: "suspend" | "resume" | "revoke", words: string) =>
    void run(() => api.post<Grant>(`${path}/${action}`, { reason: reason.trim() }), () => words, () => setReason(""));
  const debit = () => {
    const made = debitBody(amount, reason, debitKey);
    if ("errors" in made) return setOutcome({ ok: false, error: null, fields: made.errors });
    void run(
      () => api.post<AllotmentDebitResult>(`${path}/debits`, made.body),
      (r) => `Debited ${quantity(grant, made.body.amount)}; ${quantity(grant, r.allotment.available)} available.`,
      () => {
        setAmount("");
        setReason("");
        setDebitKey(newKey());
      },
    );
  };
  const reverse = (d: AllotmentDebit) =>
    void run(() => api.post<Grant>(`${path}/debits/${encodeURIComponent(d.id)}/reverse`, { reason: reason.trim() }), () => reversedWords(grant, d));
  const facts: Array<[string, string]> = [
    ["Customer", `#${grant.customer_id}`],
    ["Balance", quantity(grant, grant.balance)],
    ["Available", quantity(grant, grant.available)],
    ["Per period", quantity(grant, grant.amount_per_period)],
    ["Refresh", cadenceWords(grant.cadence)],
    ["Next refresh", dateTime(grant.next_refresh_at)],
    ["Rollover", ROLLOVER_WORDS[grant.rollover]],
    ["Overdraft limit", grant.overdraft_limit === null ? "none" : quantity(grant, grant.overdraft_limit)],
    ["Orders that debit it", ORDER_DEBIT_WORDS[grant.order_debit]],
    ["Granted by", grant.granted_by.kind === "plan" ? `plan of subscription ${grant.granted_by.id}` : `merchant user ${grant.granted_by.id}`],
    ["Reason", grant.reason || "—"],
  ];
  return (
    <>
      <Flex alignItems="center" flexGap="0.5rem" marginBottom="small">
        <Badge label={grant.status} variant={STATUS_VARIANT[grant.status]} />
      </Flex>
      <Box as="dl" data-facts>
        {facts.map(([k, v]) => (
          <Text key={k} marginBottom="xxSmall">
            <strong>{k}:</strong> <span data-fact={k}>{v}</span>
          </Text>
        ))}
      </Box>
      <Flex flexGap="1rem" flexWrap="wrap" alignItems="flex-end" marginTop="medium">
        <FormGroup>
          <Input label="Reason (for any action below)" value={reason} onChange={(e) => setReason(e.target.value)} error={errorFor(fields, "reason")} />
        </FormGroup>
        {grant.status === "active" && (
          <Button variant="secondary" disabled={busy} onClick={() => status("suspend", "Suspended: no debits or refreshes until resumed.")}>
            Suspend
          </Button>
        )}
        {grant.status === "suspended" && (
          <Button variant="secondary" disabled={busy} onClick={() => status("resume", "Resumed.")}>
            Resume
          </Button>
        )}
        {grant.status !== "revoked" && (
          <Button variant="secondary" actionType="destructive" disabled={busy} onClick={() => status("revoke", "Revoked for good; its debits stay on record.")}>
            Revoke
          </Button>
        )}
      </Flex>
      {grant.status === "active" && (
        <Flex flexGap="1rem" alignItems="flex-end" marginTop="medium">
          <FormGroup>
            <Input label="Debit amount" value={amount} onChange={(e) => setAmount(e.target.value)} error={errorFor(fields, "amount")} />
          </FormGroup>
          <Button disabled={busy} isLoading={busy} onClick={debit}>
            Debit
          </Button>
        </Flex>
      )}
      <OutcomeMessage outcome={outcome} />
      <Text marginTop="large">
        <strong>Debits</strong>
      </Text>
      {debits.length === 0 ? (
        <Text>Nothing has been debited.</Text>
      ) : (
        <Table
          keyField="id"
          itemName="debits"
          items={debits}
          columns={[
            { header: "When", hash: "when", render: (d) => dateTime(d.created_at) },
            { header: "Amount", hash: "amount", align: "right", render: (d) => quantity(grant, d.amount) },
            { header: "For", hash: "source", render: (d) => sourceWords(d) },
            { header: "Reason", hash: "reason", render: (d) => d.reason || "—" },
            {
              header: "Given back",
              hash: "given_back",
              render: (d) => <span data-given-back={d.id}>{givenBackWords(grant, d)}</span>,
            },
            {
              header: "",
              hash: "reverse",
              // The merchant's reverse gives back only what remains: none left, no button.
              render: (d) =>
                remains(d) ? (
                  <Button variant="subtle" disabled={busy} onClick={() => reverse(d)}>
                    {reverseLabel(grant, d)}
                  </Button>
                ) : (
                  <Text marginBottom="none">reversed {dateTime(d.reversed_at)}</Text>
                ),
            },
          ]}
        />
      )}
    </>
  );
}

function sourceWords(d: AllotmentDebit): string {
  if (d.source.kind === "order") return `order #${d.source.id}`;
  if (d.source.kind === "charge") return `charge ${d.source.id}`;
  return "by hand";
}

function newKey(): string {
  return crypto.randomUUID();
}
