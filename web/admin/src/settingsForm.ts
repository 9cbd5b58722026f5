// The tenant config as form fields and back. The API answers the effective config (preset
// plus overrides); saving sends as overrides only what differs from the chosen preset.

export type Config = Record<string, unknown> & { preset: string; dunning: Record<string, unknown> };

export interface SettingsForm {
  preset: string;
  capture_timing: string;
  auth_window_days: string;
  action_link_ttl_hours: string;
  stuck_after_minutes: string;
  api_share_percent: string;
  "dunning.retry_offsets_days": string;
  "dunning.max_attempts": string;
  "dunning.grace_period_days": string;
  "dunning.final_action": string;
  "change_requests.shopper_changes": string;
  "change_requests.expire_after_hours": string;
}

export function toForm(config: Config): SettingsForm {
  const d = config.dunning;
  return {
    preset: config.preset,
    capture_timing: String(config.capture_timing),
    auth_window_days: String(config.auth_window_days),
    action_link_ttl_hours: String(config.action_link_ttl_hours),
    stuck_after_minutes: String(config.stuck_after_minutes),
    api_share_percent: String(config.api_share_percent),
    "dunning.retry_offsets_days": (d.retry_offsets_days as number[]).join(", "),
    "dunning.max_attempts": String(d.max_attempts),
    "dunning.grace_period_days": String(d.grace_period_days),
    "dunning.final_action": String(d.final_action),
    "change_requests.shopper_changes": String(requests(config).shopper_changes ?? "direct"),
    "change_requests.expire_after_hours": String(requests(config).expire_after_hours ?? 72),
  };
}

function requests(config: Config): Record<string, unknown> {
  return (config.change_requests ?? {}) as Record<string, unknown>;
}

// Numbers are sent as typed (a non-number stays a string, so the API names the field).
function number(value: string): number | string {
  const trimmed = value.trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

// The config the form shows, as a whole document: the loaded one with the edits applied.
function edited(form: SettingsForm, loaded: Config): Config {
  return {
    ...loaded,
    preset: form.preset,
    capture_timing: form.capture_timing,
    auth_window_days: number(form.auth_window_days),
    action_link_ttl_hours: number(form.action_link_ttl_hours),
    stuck_after_minutes: number(form.stuck_after_minutes),
    api_share_percent: number(form.api_share_percent),
    dunning: {
      ...loaded.dunning,
      retry_offsets_days: form["dunning.retry_offsets_days"]
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map(number),
      max_attempts: number(form["dunning.max_attempts"]),
      grace_period_days: number(form["dunning.grace_period_days"]),
      final_action: form["dunning.final_action"],
    },
    change_requests: {
      ...requests(loaded),
      shopper_changes: form["change_requests.shopper_changes"],
      expire_after_hours: number(form["change_requests.expire_after_hours"]),
    },
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// The store's overrides: the preset, and only the values that differ from that preset's own
// config. Earlier overrides stay (they still differ); values equal to the preset's are left
// out, so a preset's defaults keep applying to every field the merchant did not set.
export function toOverrides(form: SettingsForm, loaded: Config, preset: Config): Record<string, unknown> {
  const doc = edited(form, loaded);
  const overrides: Record<string, unknown> = { preset: form.preset };
  for (const [key, value] of Object.entries(doc)) {
    if (key !== "preset" && key !== "dunning" && !same(value, preset[key])) overrides[key] = value;
  }
  const dunning = Object.fromEntries(Object.entries(doc.dunning).filter(([k, v]) => !same(v, preset.dunning[k])));
  if (Object.keys(dunning).length) overrides.dunning = dunning;
  return overrides;
}

// Choosing another preset shows its dunning schedule: the merchant sees what will apply.
export function withPreset(form: SettingsForm, preset: Config): SettingsForm {
  const theirs = toForm(preset);
  return {
    ...form,
    preset: preset.preset,
    "dunning.retry_offsets_days": theirs["dunning.retry_offsets_days"],
    "dunning.max_attempts": theirs["dunning.max_attempts"],
    "dunning.grace_period_days": theirs["dunning.grace_period_days"],
    "dunning.final_action": theirs["dunning.final_action"],
  };
}
