// The store's custom field definitions by scope: define one, change it, archive it.
import { Badge, Button, Checkbox, Flex, FormGroup, Input, Panel, Select, Table, Text } from "@bigcommerce/big-design";
import { useState } from "react";
import { errorFor } from "../api/errors";
import type { CustomFieldDefinition, CustomFieldList, CustomFieldScope } from "../api/types";
import { Empty, Loaded } from "../components/States";
import { OutcomeMessage, refusal, type Outcome } from "../components/Outcome";
import { FIELD_TYPES, SCOPES, blankDefinition, changePatch, createBody, toDefinitionForm, type DefinitionForm } from "../customFieldDefinitionForm";
import { useAdminApi, useLoad } from "../useApi";

export function CustomFieldSettings() {
  const [scope, setScope] = useState<CustomFieldScope>("subscription");
  const [load, reload] = useLoad((api) => api.get<CustomFieldList>("/admin/custom-fields", { scope }), `custom-fields-${scope}`);
  return (
    <Panel header="Custom fields" data-screen="custom-fields">
      <Flex flexGap="1rem" marginBottom="medium" role="tablist" aria-label="Scope">
        {SCOPES.map((s) => (
          <Button key={s} role="tab" aria-selected={s === scope} variant={s === scope ? "primary" : "secondary"} onClick={() => setScope(s)}>
            {s.replace("_", " ")}
          </Button>
        ))}
      </Flex>
      <Loaded load={load} what="the custom fields" retry={reload}>
        {(list) => <DefinitionsEditor key={scope} scope={scope} items={list.items} done={reload} />}
      </Loaded>
    </Panel>
  );
}

export function DefinitionsEditor({ scope, items, done }: { scope: CustomFieldScope; items: CustomFieldDefinition[]; done: () => void }) {
  const api = useAdminApi();
  const [editing, setEditing] = useState<CustomFieldDefinition | null>(null);
  const [form, setForm] = useState<DefinitionForm>(() => blankDefinition(scope));
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const run = async (call: () => Promise<unknown>, text: string, after: () => void) => {
    setBusy(true);
    setOutcome(null);
    try {
      await call();
      setOutcome({ ok: true, text });
      after();
      done();
    } catch (error) {
      setOutcome(refusal(error));
    } finally {
      setBusy(false);
    }
  };
  const reset = () => {
    setEditing(null);
    setForm(blankDefinition(scope));
  };
  const save = () => {
    const path = (key: string) => `/admin/custom-fields/${encodeURIComponent(key)}`;
    if (editing) {
      const made = changePatch(editing, form);
      if ("errors" in made) return setOutcome({ ok: false, error: null, fields: made.errors });
      return void run(() => api.patch(path(editing.key), made.patch), `${form.label} saved.`, reset);
    }
    const made = createBody(form);
    if ("errors" in made) return setOutcome({ ok: false, error: null, fields: made.errors });
    void run(() => api.post("/admin/custom-fields", made.body), `${form.label} defined.`, reset);
  };
  const archive = (d: CustomFieldDefinition) =>
    void run(() => api.post(`/admin/custom-fields/${encodeURIComponent(d.key)}/archive`), `${d.label} is archived; stored values are kept.`, reset);
  const fields = outcome && !outcome.ok ? (outcome.fields ?? []) : [];
  const set = <K extends keyof DefinitionForm>(k: K) => (v: DefinitionForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const text = (k: "key" | "label" | "description" | "default" | "pattern" | "max_length" | "choices", label: string, disabled = false) => (
    <FormGroup>
      <Input label={label} value={form[k]} disabled={disabled} onChange={(e) => set(k)(e.target.value)} error={errorFor(fields, k)} />
    </FormGroup>
  );
  return (
    <>
      {items.length === 0 ? (
        <Empty heading="No fields yet" message="Define the first one below." />
      ) : (
        <Table
          keyField="_key"
          // Wrapped: the table hands each item on as props, and React keeps `key` to itself.
          items={items.map((d) => ({ d, _key: d.key }))}
          columns={[
            { header: "Key", hash: "key", render: ({ d }) => d.key },
            { header: "Label", hash: "label", render: ({ d }) => d.label },
            { header: "Type", hash: "type", render: ({ d }) => (d.type === "enum" ? `enum: ${d.choices.join(", ")}` : d.type) },
            { header: "Subscriber", hash: "sub", render: ({ d }) => (d.editable_by_subscriber ? "edits" : d.visible_to_subscriber ? "sees" : "—") },
            { header: "Required", hash: "req", render: ({ d }) => (d.required ? "yes" : "no") },
            {
              header: "",
              hash: "do",
              render: ({ d }) =>
                d.archived ? (
                  <Badge label="archived" variant="secondary" />
                ) : (
                  <Flex flexGap="0.5rem">
                    <Button variant="subtle" disabled={busy} onClick={() => { setEditing(d); setForm(toDefinitionForm(d)); setOutcome(null); }}>
                      Change
                    </Button>
                    <Button variant="subtle" actionType="destructive" disabled={busy} onClick={() => archive(d)}>
                      Archive
                    </Button>
                  </Flex>
                ),
            },
          ]}
        />
      )}
      <Text marginTop="large">
        <strong>{editing ? `Change ${editing.key}` : "Define a field"}</strong>
        {editing ? " (its key, scope and type never change)" : ""}
      </Text>
      <Flex flexGap="1rem" flexWrap="wrap">
        {text("key", "Key", editing !== null)}
        <FormGroup>
          <Select
            label="Type"
            disabled={editing !== null}
            options={FIELD_TYPES.map((t) => ({ value: t, content: t }))}
            value={form.type}
            onOptionChange={(t) => t && set("type")(t)}
            error={errorFor(fields, "type")}
          />
        </FormGroup>
        {text("label", "Label")}
        {text("description", "Description")}
        {text("default", "Default")}
        {form.type === "text" && text("pattern", "Pattern (whole value)")}
        {form.type === "text" && text("max_length", "Max length")}
        {form.type === "enum" && text("choices", "Choices (comma-separated)")}
      </Flex>
      <Flex flexGap="1.5rem" marginTop="small">
        <Checkbox label="Required" checked={form.required} onChange={(e) => set("required")(e.target.checked)} />
        <Checkbox label="Visible to subscriber" checked={form.visible_to_subscriber} onChange={(e) => set("visible_to_subscriber")(e.target.checked)} />
        <Checkbox label="Editable by subscriber" checked={form.editable_by_subscriber} onChange={(e) => set("editable_by_subscriber")(e.target.checked)} />
      </Flex>
      <Flex flexGap="0.5rem" marginTop="medium">
        <Button isLoading={busy} disabled={busy} onClick={save}>
          {editing ? "Save field" : "Define field"}
        </Button>
        {editing && (
          <Button variant="subtle" onClick={reset}>
            Stop changing
          </Button>
        )}
      </Flex>
      <OutcomeMessage outcome={outcome} />
    </>
  );
}
