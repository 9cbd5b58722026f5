// A subscription's custom field values, edited against the store's definitions; a refusal
// lists every field's reason.
import { Button, Flex, FormGroup, Input, Panel, Select, Text } from "@bigcommerce/big-design";
import { useState } from "react";
import { errorFor } from "../api/errors";
import type { CustomFieldDefinition, CustomFieldValues } from "../api/types";
import { Empty, Loaded } from "../components/States";
import { OutcomeMessage, refusal, type Outcome } from "../components/Outcome";
import { changedValues, shownDefinitions, valueText } from "../customFieldValues";
import { useAdminApi, useLoad } from "../useApi";

export function CustomFieldsPanel({ subscriptionId }: { subscriptionId: string }) {
  const path = `/admin/subscriptions/${encodeURIComponent(subscriptionId)}/custom-fields`;
  const [load, reload] = useLoad((api) => api.get<CustomFieldValues>(path), path);
  return (
    <Panel header="Custom fields" data-panel="custom-fields">
      <Loaded load={load} what="the custom fields" retry={reload}>
        {(view) => <CustomFieldsEditor key={JSON.stringify(view.values)} view={view} path={path} done={reload} />}
      </Loaded>
    </Panel>
  );
}

export function CustomFieldsEditor({ view, path, done }: { view: CustomFieldValues; path: string; done: () => void }) {
  const api = useAdminApi();
  const defs = shownDefinitions(
    view.definitions.filter((d) => d.scope === "subscription"),
    view.values,
  );
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(defs.map((d) => [d.key, valueText(d, view.values[d.key])])),
  );
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  if (defs.length === 0) return <Empty heading="No custom fields" message="Define subscription fields under Custom fields." />;
  const save = async () => {
    const { values, errors } = changedValues(defs, view.values, texts);
    if (errors.length) return setOutcome({ ok: false, error: null, fields: errors });
    if (Object.keys(values).length === 0) return setOutcome({ ok: true, text: "Nothing changed." });
    setBusy(true);
    setOutcome(null);
    try {
      await api.patch(path, { values });
      setOutcome({ ok: true, text: "Custom fields saved." });
      done();
    } catch (error) {
      setOutcome(refusal(error));
    } finally {
      setBusy(false);
    }
  };
  const fields = outcome && !outcome.ok ? (outcome.fields ?? []) : [];
  return (
    <>
      <Flex flexGap="1rem" flexWrap="wrap">
        {defs.map((d) => (
          <FormGroup key={d.key}>
            <ValueInput def={d} text={texts[d.key] ?? ""} error={errorFor(fields, d.key)} set={(t) => setTexts((all) => ({ ...all, [d.key]: t }))} />
          </FormGroup>
        ))}
      </Flex>
      <Text marginTop="small" color="secondary60">
        An empty field clears its value. Archived fields keep their value and can no longer be changed.
      </Text>
      <Button marginTop="medium" isLoading={busy} disabled={busy} onClick={() => void save()}>
        Save custom fields
      </Button>
      <OutcomeMessage outcome={outcome} />
    </>
  );
}

function ValueInput({ def, text, error, set }: { def: CustomFieldDefinition; text: string; error?: string; set: (t: string) => void }) {
  const label = `${def.label}${def.required ? " *" : ""}${def.archived ? " (archived)" : ""}`;
  const description = [def.description, def.visible_to_subscriber ? (def.editable_by_subscriber ? "subscriber edits" : "subscriber sees") : ""].filter(Boolean).join(" · ");
  if (def.type === "enum" || def.type === "boolean") {
    const choices = def.type === "boolean" ? ["true", "false"] : def.choices;
    return (
      <Select
        label={label}
        description={description || undefined}
        disabled={def.archived}
        options={[{ value: "", content: "(none)" }, ...choices.map((c) => ({ value: c, content: c }))]}
        value={text}
        onOptionChange={(v) => set(v ?? "")}
        error={error}
      />
    );
  }
  return (
    <Input
      label={label}
      description={description || undefined}
      disabled={def.archived}
      type={def.type === "date" ? "date" : "text"}
      value={text}
      onChange={(e) => set(e.target.value)}
      error={error}
    />
  );
}
