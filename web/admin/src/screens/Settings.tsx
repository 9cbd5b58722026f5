// The store's tenant config, with each invalid field's reason beside it.
import { Button, Form, FormGroup, Input, Message, Panel, Select } from "@bigcommerce/big-design";
import { useState } from "react";
import { ApiError, describeError, errorFor, type FieldError } from "../api/errors";
import { Loaded } from "../components/States";
import { toForm, toOverrides, withPreset, type Config, type SettingsForm } from "../settingsForm";
import { useAdminApi, useLoad } from "../useApi";

export function Settings() {
  const [load, reload] = useLoad(
    (api) => Promise.all([api.get<Config>("/admin/config"), api.get<Record<string, Config>>("/admin/config/presets")]),
    "config",
  );
  return (
    <Panel header="Settings" data-screen="settings">
      <Loaded load={load} what="settings" retry={reload}>
        {([config, presets]) => <SettingsEditor config={config} presets={presets} />}
      </Loaded>
    </Panel>
  );
}

const NUMBERS: Array<[keyof SettingsForm, string, string]> = [
  ["auth_window_days", "Authorization window (days)", "Authorizations older than this are captured early or voided (1–30)."],
  ["action_link_ttl_hours", "Action link lifetime (hours)", "How long a shopper's link to fix a payment works (1–720)."],
  ["stuck_after_minutes", "Stuck after (minutes)", "A renewal unfinished this long after it was due is listed as stuck (15–10080)."],
  ["api_share_percent", "Share of the BigCommerce API quota (%)", "At most this much of the store's API quota goes to renewals; the rest stays with your other apps (10–90)."],
  ["dunning.retry_offsets_days", "Retry after (days)", "Days after the first decline at which each retry is made, ascending, comma-separated."],
  ["dunning.max_attempts", "Payment attempts per cycle", "The first attempt included (1–11)."],
  ["dunning.grace_period_days", "Grace period (days)", "Days after the first decline before the final action (0–90)."],
  ["change_requests.expire_after_hours", "Change requests expire after (hours)", "A shopper's change waiting for approval expires if nobody decides it in this time (1–720)."],
];

function SettingsEditor({ config, presets }: { config: Config; presets: Record<string, Config> }) {
  const api = useAdminApi();
  const [loaded, setLoaded] = useState(config);
  const [form, setForm] = useState(() => toForm(config));
  const [fields, setFields] = useState<FieldError[]>([]);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (name: keyof SettingsForm) => (value: string) => setForm((f) => ({ ...f, [name]: value }));
  const save = async () => {
    setSaving(true);
    setOutcome(null);
    try {
      const preset = presets[form.preset] ?? loaded;
      const saved = await api.put<Config>("/admin/config", toOverrides(form, loaded, preset));
      setLoaded(saved);
      setForm(toForm(saved));
      setFields([]);
      setOutcome({ ok: true, text: "Settings saved." });
    } catch (error) {
      setFields(error instanceof ApiError ? error.fields : []);
      const code = error instanceof ApiError ? ` (${error.code})` : "";
      setOutcome({ ok: false, text: describeError(error) + code });
    } finally {
      setSaving(false);
    }
  };
  const unplaced = fields.filter((f) => !Object.keys(form).some((k) => f.field === k || f.field.startsWith(`${k}.`)));
  return (
    <Form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {outcome && (
        <Message
          type={outcome.ok ? "success" : "error"}
          marginBottom="medium"
          messages={[{ text: outcome.text }, ...unplaced.map((f) => ({ text: `${f.field || "document"}: ${f.message}` }))]}
        />
      )}
      <FormGroup>
        <Select
          label="Dunning preset"
          description="Changing it shows the preset's retry schedule; only values you change from a preset are kept as your own."
          options={["standard", "aggressive", "lenient"].map((p) => ({ value: p, content: p }))}
          value={form.preset}
          error={errorFor(fields, "preset")}
          onOptionChange={(v) => {
            const chosen = presets[v ?? "standard"];
            if (chosen) setForm((f) => withPreset(f, chosen));
          }}
        />
      </FormGroup>
      <FormGroup>
        <Select
          label="Capture timing"
          options={[
            { value: "immediate", content: "Immediately at renewal" },
            { value: "on_fulfillment", content: "When the order is fulfilled" },
            { value: "on_ship", content: "When the order ships" },
          ]}
          value={form.capture_timing}
          error={errorFor(fields, "capture_timing")}
          onOptionChange={(v) => set("capture_timing")(v ?? "immediate")}
        />
      </FormGroup>
      {NUMBERS.map(([name, label, description]) => (
        <FormGroup key={name}>
          <Input
            label={label}
            description={description}
            name={name}
            value={form[name]}
            error={errorFor(fields, name)}
            onChange={(e) => set(name)(e.target.value)}
          />
        </FormGroup>
      ))}
      <FormGroup>
        <Select
          label="When dunning gives up"
          options={[
            { value: "cancel", content: "Cancel the subscription" },
            { value: "pause", content: "Pause the subscription" },
          ]}
          value={form["dunning.final_action"]}
          error={errorFor(fields, "dunning.final_action")}
          onOptionChange={(v) => set("dunning.final_action")(v ?? "cancel")}
        />
      </FormGroup>
      <FormGroup>
        <Select
          label="Shoppers' changes"
          description="Whether shoppers pause, cancel, skip or change their subscriptions themselves, or ask you first (you approve or reject in Ops, Change requests)."
          options={[
            { value: "direct", content: "Shoppers make them directly" },
            { value: "request", content: "Shoppers ask; you approve" },
          ]}
          value={form["change_requests.shopper_changes"]}
          error={errorFor(fields, "change_requests.shopper_changes")}
          onOptionChange={(v) => set("change_requests.shopper_changes")(v ?? "direct")}
        />
      </FormGroup>
      <Button type="submit" isLoading={saving}>
        Save settings
      </Button>
    </Form>
  );
}
