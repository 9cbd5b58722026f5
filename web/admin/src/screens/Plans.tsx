// A product's subscription plan, read from BigCommerce and set there. The plan is edited as
// its JSON document (cadences, discounts, trial, prepaid, commitment, max cycles, tiers; see
// the README's Plans section); the API's reason for refusing it is shown beside the editor.
import { Box, Button, Form, FormGroup, Input, Link, Message, Panel, Table, Text, Textarea } from "@bigcommerce/big-design";
import { useState } from "react";
import { ApiError, describeError } from "../api/errors";
import type { components } from "../api/schema";
import { Empty, Loaded } from "../components/States";
import { dateTime } from "../format";
import { href } from "../router";
import { useAdminApi, useLoad } from "../useApi";

type PlanView = components["schemas"]["PlanView"];
type CatalogSearchResult = components["schemas"]["CatalogSearchResult"];

const EXAMPLE = { cadences: [{ label: "Monthly", interval: "month" }] };

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
  const [text, setText] = useState(() => JSON.stringify(view.plan ?? EXAMPLE, null, 2));
  const [error, setError] = useState<string | undefined>(view.error ? `BigCommerce holds an invalid plan: ${view.error}` : undefined);
  const [saved, setSaved] = useState<string | null>(null);
  const save = async () => {
    setError(undefined);
    setSaved(null);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      setError("This is not valid JSON.");
      return;
    }
    try {
      const stored = await api.put<Record<string, unknown>>(`/admin/plans/${view.product_id}`, document);
      setText(JSON.stringify(stored, null, 2));
      setSaved("The plan is set in BigCommerce; shoppers choose its cadences on the product page.");
    } catch (e) {
      const code = e instanceof ApiError ? e.code : "server_error";
      const detail = e instanceof ApiError && e.code === "invalid_plan" ? `: ${e.message}` : "";
      setError(`${describeError(e)}${detail} (${code})`);
    }
  };
  return (
    <Form
      marginTop="large"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Text>
        {view.plan === null && !view.error
          ? `Product #${view.product_id} has no plan: it is not subscribable. Start from the example below.`
          : `Plan of product #${view.product_id}, read from BigCommerce ${dateTime(view.read_at)}.`}
      </Text>
      {saved && <Message type="success" messages={[{ text: saved }]} marginBottom="medium" />}
      <FormGroup>
        <Textarea label="Plan (JSON)" rows={7} value={text} error={error} onChange={(e) => setText(e.target.value)} />
      </FormGroup>
      <Button type="submit">Save plan</Button>
    </Form>
  );
}
