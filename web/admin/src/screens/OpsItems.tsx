// What the engine recorded for the operator to look at, newest first, "Show more" to page back.
import { Button, H2, Panel, Table } from "@bigcommerce/big-design";
import { useState } from "react";
import type { OpsItem, OpsItemList } from "../api/types";
import { describeError } from "../api/errors";
import { Empty, Failed } from "../components/States";
import { dateTime } from "../format";
import { opsItemSummary } from "../opsItemWords";
import { useAdminApi, useLoad } from "../useApi";

export function OpsItems() {
  const api = useAdminApi();
  const [more, setMore] = useState<{ items: OpsItem[]; cursor: string | null } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [first, reload] = useLoad((a) => a.get<OpsItemList>("/admin/ops/items", { limit: 25 }), "ops-items");
  if (first.state === "loading") return null;
  if (first.state === "error") return <Failed error={first.error} retry={reload} />;
  const items = [...first.data.items, ...(more?.items ?? [])];
  const cursor = more ? more.cursor : first.data.next_cursor;
  const showMore = async () => {
    try {
      const page = await api.get<OpsItemList>("/admin/ops/items", { limit: 25, cursor: cursor ?? undefined });
      setMore({ items: [...(more?.items ?? []), ...page.items], cursor: page.next_cursor });
      setFailed(null);
    } catch (error) {
      setFailed(describeError(error));
    }
  };
  return (
    <Panel data-screen="ops-items" marginTop="medium">
      <H2>Ops items</H2>
      {items.length === 0 ? (
        <Empty heading="Nothing to look at" message="The engine recorded nothing for the operator." />
      ) : (
        <Table
          keyField="id"
          items={items}
          columns={[
            { header: "When", hash: "when", render: (i) => dateTime(i.occurred_at) },
            { header: "Type", hash: "type", render: (i) => i.type },
            { header: "What", hash: "what", render: (i) => opsItemSummary(i.type, i.data) },
          ]}
        />
      )}
      {failed && <Empty heading="Could not load more" message={failed} />}
      {cursor !== null && (
        <Button variant="secondary" marginTop="medium" onClick={() => void showMore()}>
          Show more
        </Button>
      )}
    </Panel>
  );
}
