// How far a multi-location cycle's delivery has got: each location's order shipped, cancelled
// or still pending, as the delivery instance keeps it (`locations`, by location id).

const STATES = ["shipped", "cancelled", "pending"] as const;

// "—" for a single-order cycle (no locations), else e.g. "2 of 3 shipped, 1 pending".
export function locationStates(locations: unknown): string {
  if (typeof locations !== "object" || locations === null) return "—";
  const states = Object.values(locations as Record<string, unknown>).map((loc) =>
    typeof loc === "object" && loc !== null ? String((loc as Record<string, unknown>).state) : "pending",
  );
  if (states.length === 0) return "—";
  const count = (s: string) => states.filter((x) => x === s).length;
  const rest = STATES.slice(1)
    .filter((s) => count(s) > 0)
    .map((s) => `${String(count(s))} ${s}`);
  return [`${String(count("shipped"))} of ${String(states.length)} shipped`, ...rest].join(", ");
}
