// What a subscription grants, and where its holder's customer group stands.
import { Badge, Panel, Table, Text } from "@bigcommerce/big-design";
import type { CustomerGroup, Entitlement, SubscriptionEntitlements } from "../api/types";
import { Empty, Loaded } from "../components/States";
import { dateTime } from "../format";
import { useLoad } from "../useApi";

const VARIANT: Record<Entitlement["status"], "success" | "warning" | "secondary" | "danger"> = {
  pending: "secondary",
  active: "success",
  suspended: "warning",
  revoked: "danger",
};

export function EntitlementsPanel({ subscriptionId }: { subscriptionId: string }) {
  const path = `/admin/subscriptions/${encodeURIComponent(subscriptionId)}/entitlements`;
  const [load, reload] = useLoad((api) => api.get<SubscriptionEntitlements>(path), path);
  return (
    <Panel header="Entitlements" data-panel="entitlements">
      <Loaded load={load} what="the entitlements" retry={reload}>
        {(view) => <EntitlementsView view={view} />}
      </Loaded>
    </Panel>
  );
}

export function EntitlementsView({ view }: { view: SubscriptionEntitlements }) {
  if (view.entitlements.length === 0) return <Empty heading="Nothing granted" message="The plan grants no entitlements." />;
  return (
    <>
      <Table
        keyField="_key"
        // Wrapped: the table hands each item on as props, and React keeps `key` to itself.
        items={view.entitlements.map((e) => ({ e, _key: e.key }))}
        columns={[
          { header: "Entitlement", hash: "key", render: ({ e }) => e.key },
          { header: "State", hash: "status", render: ({ e }) => <Badge label={e.status} variant={VARIANT[e.status]} data-entitlement-status={e.status} /> },
          { header: "Customer group", hash: "group", render: ({ e }) => `#${e.customer_group_id} (priority ${e.priority})` },
          { header: "Granted", hash: "granted", render: ({ e }) => (e.granted_at ? dateTime(e.granted_at) : "—") },
          { header: "Revokes", hash: "revoke", render: ({ e }) => (e.revoke_at ? dateTime(e.revoke_at) : "—") },
        ]}
      />
      <Text marginTop="medium" data-customer-group>
        {groupWords(view.customer_id, view.customer_group)}
      </Text>
    </>
  );
}

export function groupWords(customerId: number, group: CustomerGroup | null): string {
  if (!group) return `Customer #${customerId} was never moved between customer groups.`;
  const parts = [`Customer #${customerId} is in group ${group.applied_group_id === null ? "(none)" : `#${group.applied_group_id}`}`];
  if (group.wanted_group_id !== null && group.wanted_group_id !== group.applied_group_id) parts.push(`should be in #${group.wanted_group_id}`);
  parts.push(`remembered group ${group.original_group_id === null ? "(none)" : `#${group.original_group_id}`}, restored when the last entitlement ends`);
  if (group.changed_by_hand_to !== null) parts.push(`moved by hand to #${group.changed_by_hand_to}, left there`);
  if (group.pending) parts.push("a change is on its way to BigCommerce");
  return `${parts.join("; ")}.`;
}
