// One line in words for each ops item the engine records for the operator.
type Data = Record<string, unknown>;

const text = (value: unknown): string =>
  value === null || value === undefined ? "?" : typeof value === "object" ? JSON.stringify(value) : String(value);

const subscription = (d: Data) => `subscription ${text(d.subscription_id)}`;

const SUMMARIES: Record<string, (d: Data) => string> = {
  "plan.invalid": (d) => `Product ${text(d.product_id)} has a plan that was refused: ${text(d.error)}`,
  "subscription.cancel_routed": (d) =>
    `Cancel of ${subscription(d)} (customer ${text(d.customer_id)}) routed to the legal team, asked by ${text(d.actor)}`,
  "subscription.cancel_requested": (d) =>
    `Cancel of ${subscription(d)} asked by ${text(d.actor)}, ${text(d.when)}` +
    (d.cancel_at ? `, takes effect ${text(d.cancel_at)}` : ""),
  "subscription.early_cancel_fee_owed": (d) =>
    `Early cancel fee of ${text(d.amount)} ${text(d.currency)} owed for ${subscription(d)}`,
  invoice_overdue: (d) =>
    `Invoice (order ${text(d.order_id)}) of ${subscription(d)} cycle ${text(d.cycle)} overdue since ${text(d.due_at)}: ${text(d.action)}`,
  "gift.refused": (d) => {
    const ids = Array.isArray(d.subscription_ids) ? d.subscription_ids.map(text).join(", ") : text(d.subscription_ids);
    return `Gift order ${text(d.order_id)} refused (${text(d.reason)}); subscriptions ${ids}`;
  },
  "entitlement.group_changed_by_hand": (d) =>
    `Customer ${text(d.customer_id)} was moved by hand to group ${text(d.found_group_id)} (expected ${text(d.expected_group_id)})`,
  "entitlement.group_refused": (d) => `Customer group change refused for customer ${text(d.customer_id)}`,
  "entitlement.holder_gone": (d) => `Customer ${text(d.customer_id)} no longer exists; their group was left alone`,
};

/** The item in words; an unknown type shows its name and the keys of its data. */
export function opsItemSummary(type: string, data: Data): string {
  const known = SUMMARIES[type];
  if (known) return known(data);
  const keys = Object.keys(data);
  return keys.length ? `${type}: ${keys.join(", ")}` : type;
}
