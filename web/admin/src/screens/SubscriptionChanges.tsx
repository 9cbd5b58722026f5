// The subscription page's change forms, each with the API's field errors beside its fields.
import { Button, Fieldset, Form, FormGroup, Input, Message, Panel, Select } from "@bigcommerce/big-design";
import { useState } from "react";
import { ApiError, describeError, errorFor, type FieldError } from "../api/errors";
import type { Subscription } from "../api/types";
import type { components } from "../api/schema";
import { changeSpecs, initialValues, offeredCadences, type ChangeSpec } from "../changeForms";
import { useAdminApi, useLoad } from "../useApi";

export function SubscriptionChanges({ sub, done }: { sub: Subscription; done: () => void }) {
  const product = sub.lines[0]?.product_id;
  // The plan's cadences to choose from; without them (not read, or refused) the label is typed.
  const [plan] = useLoad(
    (api) => (product ? api.get<components["schemas"]["PlanView"]>(`/admin/plans/${product}`) : Promise.resolve(null)),
    `plan-${product ?? ""}`,
  );
  const live = !["cancelled", "expired"].includes(sub.status);
  if (!live) return null;
  const cadences = plan.state === "ready" ? offeredCadences(plan.data?.plan) : [];
  return (
    <Panel header="Change the subscription">
      {changeSpecs(sub, cadences).map((spec) => (
        // Only the cadence form is rebuilt when the plan's cadences arrive: rebuilding the
        // others would wipe what the merchant typed, or the answer they were just given.
        <ChangeForm
          key={spec.key === "cadence" ? `cadence-${cadences.length}` : spec.key}
          spec={spec}
          sub={sub}
          done={done}
        />
      ))}
      <RemoveContract sub={sub} done={done} />
    </Panel>
  );
}

function ChangeForm({ spec, sub, done }: { spec: ChangeSpec; sub: Subscription; done: () => void }) {
  const api = useAdminApi();
  const [values, setValues] = useState(() => initialValues(spec, sub));
  const [fields, setFields] = useState<FieldError[]>([]);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setOutcome(null);
    setFields([]);
    try {
      await api.request(spec.method, `/admin/subscriptions/${encodeURIComponent(sub.id)}/${spec.path}`, spec.body(values));
      setOutcome({ ok: true, text: spec.done });
      done();
    } catch (error) {
      setFields(error instanceof ApiError ? error.fields : []);
      const code = error instanceof ApiError ? ` (${error.code})` : "";
      const detail = error instanceof ApiError && error.code !== "invalid_request" && error.message ? ` ${error.message}.` : "";
      setOutcome({ ok: false, text: `${describeError(error)}${detail}${code}` });
    } finally {
      setBusy(false);
    }
  };
  const placed = new Set(spec.fields.map((f) => f.name));
  const unplaced = fields.filter((f) => !placed.has(f.field.split(".")[0] ?? ""));
  return (
    <Form
      aria-label={spec.title}
      data-change={spec.key}
      marginBottom="large"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Fieldset legend={spec.title}>
        {outcome && (
          <Message
            type={outcome.ok ? "success" : "error"}
            marginBottom="medium"
            messages={[{ text: outcome.text }, ...unplaced.map((f) => ({ text: `${f.field || "request"}: ${f.message}` }))]}
          />
        )}
        {spec.fields.map((field) => (
          <FormGroup key={field.name}>
            {field.options ? (
              <Select
                label={field.label}
                options={field.options}
                value={values[field.name] ?? ""}
                error={errorFor(fields, field.name)}
                onOptionChange={(v?: string) => setValues((s) => ({ ...s, [field.name]: v ?? "" }))}
              />
            ) : (
              <Input
                label={field.label}
                description={field.description}
                type={field.type === "date" ? "date" : "text"}
                inputMode={field.type === "number" ? "numeric" : undefined}
                value={values[field.name] ?? ""}
                error={errorFor(fields, field.name)}
                onChange={(e) => setValues((s) => ({ ...s, [field.name]: e.target.value }))}
              />
            )}
          </FormGroup>
        ))}
        <Button type="submit" variant="secondary" isLoading={busy}>
          {spec.submit}
        </Button>
      </Fieldset>
    </Form>
  );
}

function RemoveContract({ sub, done }: { sub: Subscription; done: () => void }) {
  const api = useAdminApi();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  if (!sub.contract) return null;
  const remove = async () => {
    try {
      await api.delete(`/admin/subscriptions/${encodeURIComponent(sub.id)}/contract`);
      setOutcome({ ok: true, text: "Back to the store's contract term, if it has one." });
      done();
    } catch (error) {
      const code = error instanceof ApiError ? ` (${error.code})` : "";
      setOutcome({ ok: false, text: `${describeError(error)}${code}` });
    }
  };
  return (
    <>
      {outcome && <Message type={outcome.ok ? "success" : "error"} marginBottom="medium" messages={[{ text: outcome.text }]} />}
      <Button variant="subtle" onClick={() => void remove()}>
        Remove this contract term
      </Button>
    </>
  );
}
