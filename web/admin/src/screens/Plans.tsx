// A product's subscription plan, read from BigCommerce and set there, edited field by field
// (cadences, discounts, trial, prepaid, commitment, max cycles, tiers; see the README's Plans
// section); each of the API's reasons for refusing it is shown beside the field it names.
import { Box, Button, Checkbox, Flex, Form, FormGroup, H3, Input, Link, Message, Panel, Select, Table, Text } from "@bigcommerce/big-design";
import { useState, type ReactNode } from "react";
import { ApiError, describeError, type FieldError } from "../api/errors";
import type { components } from "../api/schema";
import { Empty, Loaded } from "../components/States";
import { dateTime } from "../format";
import {
  INTERVALS,
  newCadence,
  newTier,
  placeErrors,
  removeAt,
  replaceAt,
  toPlanDocument,
  toPlanForm,
  type CadenceRow,
  type PlanForm,
  type TierRow,
} from "../planForm";
import { href } from "../router";
import { useAdminApi, useLoad } from "../useApi";

type PlanView = components["schemas"]["PlanView"];
type CatalogSearchResult = components["schemas"]["CatalogSearchResult"];

export function Plans({ productId }: { productId?: number }) {
  return (
    <Panel header="Plans" data-screen="plans">
      <CatalogSearch />
      {productId ? <PlanEditor key={productId} productId={productId} /> : null}
    </Panel>
  );
}

// Picks the product by searching the store's BigCommerce catalog.
function CatalogSearch() {
  const [typed, setTyped] = useState("");
  const [keyword, setKeyword] = useState("");
  return (
    <>
      <Form
        aria-label="Product search"
        onSubmit={(e) => {
          e.preventDefault();
          setKeyword(typed.trim());
        }}
      >
        <FormGroup>
          <Input
            label="Find a product"
            description="Search your catalog by name or SKU, then open the product's plan."
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </FormGroup>
        <Button type="submit" variant="secondary" disabled={typed.trim() === ""}>
          Search
        </Button>
      </Form>
      {keyword && <SearchResults key={keyword} keyword={keyword} />}
    </>
  );
}

const PLAN_WORDS = (has: boolean | null | undefined) =>
  has === true ? "Has a plan" : has === false ? "No plan" : "Not read yet";

function SearchResults({ keyword }: { keyword: string }) {
  const [load, reload] = useLoad((api) => api.get<CatalogSearchResult>("/admin/catalog/products", { keyword, limit: 20 }), keyword);
  return (
    <Box marginTop="medium" data-results="catalog">
      <Loaded load={load} what="products" retry={reload}>
        {(found) =>
          found.items.length === 0 ? (
            <Empty heading="No products found" message={`Nothing in your catalog matches “${keyword}”.`} />
          ) : (
            <Table
              keyField="product_id"
              itemName="products"
              items={found.items}
              columns={[
                { header: "Product", hash: "name", render: (p) => <Link href={href({ screen: "plans", productId: p.product_id })}>{p.name}</Link> },
                { header: "SKU", hash: "sku", render: (p) => p.sku || "—" },
                { header: "Price", hash: "price", align: "right", render: (p) => (Number.isFinite(Number(p.price)) ? Number(p.price).toFixed(2) : String(p.price)) },
                { header: "Plan", hash: "plan", render: (p) => PLAN_WORDS(p.has_plan) },
                { header: "Id", hash: "id", render: (p) => `#${p.product_id}` },
              ]}
            />
          )
        }
      </Loaded>
    </Box>
  );
}

function PlanEditor({ productId }: { productId: number }) {
  const [load, reload] = useLoad((api) => api.get<PlanView>(`/admin/plans/${productId}`), String(productId));
  return (
    <Loaded load={load} what="the plan" retry={reload}>
      {(view) => <Editor view={view} />}
    </Loaded>
  );
}

function Editor({ view }: { view: PlanView }) {
  const api = useAdminApi();
  const [form, setForm] = useState<PlanForm>(() => toPlanForm(view.plan));
  const [fields, setFields] = useState<FieldError[]>([]);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(
    view.error ? { ok: false, text: `BigCommerce holds an invalid plan: ${view.error}` } : null,
  );
  const [saving, setSaving] = useState(false);
  const { byField, unplaced } = placeErrors(fields, form);
  const set = <K extends keyof PlanForm>(name: K, value: PlanForm[K]) => setForm((f) => ({ ...f, [name]: value }));
  // Removing a row moves the rows after it: reasons given for the old positions no longer fit.
  const remove = (list: "cadences" | "tiers", index: number) => {
    setFields([]);
    setForm((f) => ({ ...f, [list]: removeAt<CadenceRow | TierRow>(f[list], index) }));
  };
  const save = async () => {
    setSaving(true);
    setOutcome(null);
    try {
      const stored = await api.put<Record<string, unknown>>(`/admin/plans/${view.product_id}`, toPlanDocument(form));
      setForm(toPlanForm(stored));
      setFields([]);
      setOutcome({ ok: true, text: "The plan is set in BigCommerce; shoppers choose its cadences on the product page." });
    } catch (e) {
      setFields(e instanceof ApiError ? e.fields : []);
      const code = e instanceof ApiError ? e.code : "server_error";
      setOutcome({ ok: false, text: `${describeError(e)} (${code})` });
    } finally {
      setSaving(false);
    }
  };
  const cadence = (i: number, change: Partial<CadenceRow>) => set("cadences", replaceAt(form.cadences, i, { ...form.cadences[i]!, ...change }));
  const tier = (i: number, change: Partial<TierRow>) => set("tiers", replaceAt(form.tiers, i, { ...form.tiers[i]!, ...change }));
  const labels = form.cadences.filter((c) => !c.retired && c.label.trim() !== "").map((c) => c.label.trim());
  return (
    <Form
      marginTop="large"
      aria-label="Plan"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Text>
        {view.plan === null && !view.error
          ? `Product #${view.product_id} has no plan: it is not subscribable. Saving this plan makes it subscribable.`
          : `Plan of product #${view.product_id}, read from BigCommerce ${dateTime(view.read_at)}.`}
      </Text>
      {outcome && (
        <Message
          type={outcome.ok ? "success" : "error"}
          marginBottom="medium"
          messages={[{ text: outcome.text }, ...unplaced.map((f) => ({ text: f.field ? `${f.field}: ${f.message}` : f.message }))]}
        />
      )}

      <H3>Cadences</H3>
      <FieldNote error={byField.cadences} />
      {form.cadences.map((c, i) => (
        <Row key={i} legend={`Cadence ${i + 1}`} error={byField[`cadences.${i}`]}>
          <FormGroup>
            <Input label="Label" description="What the shopper picks, e.g. “Every 2 weeks”." value={c.label} error={byField[`cadences.${i}.label`]} onChange={(e) => cadence(i, { label: e.target.value })} />
          </FormGroup>
          <FormGroup>
            <Select
              label="Interval"
              options={INTERVALS.map((v) => ({ value: v, content: v }))}
              value={c.interval}
              error={byField[`cadences.${i}.interval`]}
              onOptionChange={(v) => cadence(i, { interval: v ?? "month" })}
            />
          </FormGroup>
          <FormGroup>
            <Input label="Every (intervals)" value={c.interval_count} error={byField[`cadences.${i}.interval_count`]} onChange={(e) => cadence(i, { interval_count: e.target.value })} />
          </FormGroup>
          <FormGroup>
            <Input label="Renewal discount (%)" value={c.discount_percent} error={byField[`cadences.${i}.discount_percent`]} onChange={(e) => cadence(i, { discount_percent: e.target.value })} />
          </FormGroup>
          <Checkbox label="Retired (no longer sold)" checked={c.retired} onChange={(e) => cadence(i, { retired: e.target.checked })} />
          <FieldNote error={byField[`cadences.${i}.retired`]} />
          <Button type="button" variant="subtle" actionType="destructive" onClick={() => remove("cadences", i)} disabled={form.cadences.length === 1}>
            Remove cadence {i + 1}
          </Button>
        </Row>
      ))}
      <Button type="button" variant="secondary" marginBottom="large" onClick={() => set("cadences", [...form.cadences, newCadence()])}>
        Add a cadence
      </Button>

      <H3>Terms</H3>
      <FormGroup>
        <Select
          label="Default cadence"
          description="Chosen for an order line that names none."
          options={[{ value: "", content: "The first cadence offered" }, ...labels.map((l) => ({ value: l, content: l }))]}
          value={form.default_cadence}
          error={byField.default_cadence}
          onOptionChange={(v) => set("default_cadence", v ?? "")}
        />
      </FormGroup>
      {TERMS.map(([name, label, description]) => (
        <div key={name} data-field={name}>
          <FormGroup>
            <Input label={label} description={description} value={form[name]} error={byField[name]} onChange={(e) => set(name, e.target.value)} />
          </FormGroup>
        </div>
      ))}
      <FormGroup>
        <Checkbox label="Renewals ship free" checked={form.free_shipping} onChange={(e) => set("free_shipping", e.target.checked)} />
      </FormGroup>
      <FieldNote error={byField.free_shipping} />

      <H3>Volume tiers</H3>
      <Text>From a quantity on, renewals take a further percentage off.</Text>
      <FieldNote error={byField.tiers} />
      {form.tiers.map((t, i) => (
        <Row key={i} legend={`Tier ${i + 1}`} error={byField[`tiers.${i}`]}>
          <FormGroup>
            <Input label="From quantity" value={t.min_quantity} error={byField[`tiers.${i}.min_quantity`]} onChange={(e) => tier(i, { min_quantity: e.target.value })} />
          </FormGroup>
          <FormGroup>
            <Input label="Discount (%)" value={t.discount_percent} error={byField[`tiers.${i}.discount_percent`]} onChange={(e) => tier(i, { discount_percent: e.target.value })} />
          </FormGroup>
          <Button type="button" variant="subtle" actionType="destructive" onClick={() => remove("tiers", i)}>
            Remove tier {i + 1}
          </Button>
        </Row>
      ))}
      <Button type="button" variant="secondary" marginBottom="large" onClick={() => set("tiers", [...form.tiers, newTier()])}>
        Add a tier
      </Button>

      <Box>
        <Button type="submit" isLoading={saving}>
          Save plan
        </Button>
      </Box>
    </Form>
  );
}

const TERMS: Array<["trial_days" | "billing_period_count" | "commitment_count" | "max_cycles", string, string]> = [
  ["trial_days", "Trial (days)", "Days before the first renewal is charged (0–365)."],
  ["billing_period_count", "Deliveries per charge (prepaid)", "1 charges every cycle; more charges once for that many deliveries (1–52)."],
  ["commitment_count", "Commitment (paid cycles)", "Paid cycles before the shopper may cancel; 0 for none (0–120)."],
  ["max_cycles", "Ends after (cycles)", "Leave empty to renew until cancelled (1–1000)."],
];

// One cadence or tier: its fields side by side, as a named group.
function Row({ legend, error, children }: { legend: string; error: string | undefined; children: ReactNode }) {
  return (
    <fieldset aria-label={legend} style={{ border: "1px solid #d9dce9", borderRadius: 4, padding: 12, marginBottom: 12 }}>
      <legend>{legend}</legend>
      <FieldNote error={error} />
      <Flex flexDirection="row" flexWrap="wrap" alignItems="flex-end" flexGap="1rem">
        {children}
      </Flex>
    </fieldset>
  );
}

// A reason for something without an input of its own (a list as a whole, a checkbox).
function FieldNote({ error }: { error: string | undefined }) {
  return error ? (
    <Text color="danger" marginBottom="small" role="alert">
      {error}
    </Text>
  ) : null;
}
