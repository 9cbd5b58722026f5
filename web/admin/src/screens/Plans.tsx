// A product's subscription plan, read from BigCommerce and set there. The plan is edited as
// its JSON document (cadences, discounts, trial, prepaid, commitment, max cycles, tiers; see
// the README's Plans section); the API's reason for refusing it is shown beside the editor.
import { Button, Form, FormGroup, Input, Message, Panel, Text, Textarea } from "@bigcommerce/big-design";
import { useState } from "react";
import { ApiError, describeError } from "../api/errors";
import type { components } from "../api/schema";
import { Loaded } from "../components/States";
import { dateTime } from "../format";
import { href } from "../router";
import { useAdminApi, useLoad } from "../useApi";

type PlanView = components["schemas"]["PlanView"];

const EXAMPLE = { cadences: [{ label: "Monthly", interval: "month" }] };

export function Plans({ productId }: { productId?: number }) {
  const [typed, setTyped] = useState(productId ? String(productId) : "");
  return (
    <Panel header="Plans" data-screen="plans">
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          window.location.hash = href({ screen: "plans", productId: Number(typed) || undefined });
        }}
      >
        <FormGroup>
          <Input
            label="Product id"
            description="The BigCommerce product whose plan to read or set."
            value={typed}
            onChange={(e) => setTyped(e.target.value.replace(/\D/g, ""))}
          />
        </FormGroup>
        <Button type="submit" variant="secondary">
          Open
        </Button>
      </Form>
      {productId ? <PlanEditor key={productId} productId={productId} /> : null}
    </Panel>
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
          : `Product #${view.product_id}, read from BigCommerce ${dateTime(view.read_at)}.`}
      </Text>
      {saved && <Message type="success" messages={[{ text: saved }]} marginBottom="medium" />}
      <FormGroup>
        <Textarea label="Plan (JSON)" rows={7} value={text} error={error} onChange={(e) => setText(e.target.value)} />
      </FormGroup>
      <Button type="submit">Save plan</Button>
    </Form>
  );
}
