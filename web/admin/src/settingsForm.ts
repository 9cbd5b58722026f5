// The tenant config as form fields and back. The API answers the effective config (preset
// plus overrides), so saving sends every shown value; a changed preset drops the dunning
// values so the new preset's apply.

export type Config = Record<string, unknown> & { preset: string; dunning: Record<string, unknown> };

export interface SettingsForm {
  preset: string;
  capture_timing: string;
  auth_window_days: string;
  action_link_ttl_hours: string;
  stuck_after_minutes: string;
  "dunning.retry_offsets_days": string;
  "dunning.max_attempts": string;
  "dunning.grace_period_days": string;
  "dunning.final_action": string;
}

export function toForm(config: Config): SettingsForm {
  const d = config.dunning;
  return {
    preset: config.preset,
    capture_timing: String(config.capture_timing),
    auth_window_days: String(config.auth_window_days),
    action_link_ttl_hours: String(config.action_link_ttl_hours),
    stuck_after_minutes: String(config.stuck_after_minutes),
    "dunning.retry_offsets_days": (d.retry_offsets_days as number[]).join(", "),
    "dunning.max_attempts": String(d.max_attempts),
    "dunning.grace_period_days": String(d.grace_period_days),
    "dunning.final_action": String(d.final_action),
  };
}

// Numbers are sent as typed (a non-number stays a string, so the API names the field).
function number(value: string): number | string {
  const trimmed = value.trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

export function toDocument(form: SettingsForm, loaded: Config): Record<string, unknown> {
  const document: Record<string, unknown> = {
    ...loaded,
    preset: form.preset,
    capture_timing: form.capture_timing,
    auth_window_days: number(form.auth_window_days),
    action_link_ttl_hours: number(form.action_link_ttl_hours),
    stuck_after_minutes: number(form.stuck_after_minutes),
  };
  delete document.dunning;
  if (form.preset === loaded.preset) {
    document.dunning = {
      retry_offsets_days: form["dunning.retry_offsets_days"]
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map(number),
      max_attempts: number(form["dunning.max_attempts"]),
      grace_period_days: number(form["dunning.grace_period_days"]),
      final_action: form["dunning.final_action"],
    };
  }
  return document;
}
