// One endpoint's delivery log, and replaying events to it by id or by time range.
import { Badge, Button, Form, FormGroup, Input, Link, Panel, Table, Text } from "@bigcommerce/big-design";
import { useState } from "react";
import { ApiError, describeError } from "../api/errors";
import type { Delivery } from "../api/types";
import { Empty, Loaded } from "../components/States";
import { dateTime } from "../format";
import { href } from "../router";
import { useAdminApi, useLoad } from "../useApi";
import { OutcomeMessage } from "./Webhooks";

export function Deliveries({ endpointId }: { endpointId: string }) {
  const [load, reload] = useLoad(
    (api) => api.get<Delivery[]>(`/admin/webhooks/endpoints/${encodeURIComponent(endpointId)}/deliveries`, { limit: 100 }),
    endpointId,
  );
  return (
    <div data-screen="deliveries">
      <Text marginBottom="medium">
        <Link href={href({ screen: "webhooks" })}>← Webhook endpoints</Link>
      </Text>
      <Panel header={`Delivery log of ${endpointId}`}>
        <Loaded load={load} what="deliveries" retry={reload}>
          {(items) =>
            items.length === 0 ? (
              <Empty heading="No deliveries" message="Nothing was sent to this endpoint yet." />
            ) : (
              <Table
                keyField="key"
                items={items.map((d) => ({ ...d, key: `${d.event_id}-${d.attempt}` }))}
                columns={[
                  { header: "When", hash: "at", render: (d) => dateTime(d.attempted_at) },
                  { header: "Event", hash: "event", render: (d) => `${d.event_type} (${d.event_id})` },
                  { header: "Attempt", hash: "attempt", render: (d) => d.attempt },
                  { header: "Outcome", hash: "outcome", render: (d) => <Badge label={`${d.outcome}${d.status_code ? ` ${d.status_code}` : ""}`} variant={d.outcome === "delivered" ? "success" : "danger"} /> },
                  { header: "Time", hash: "latency", render: (d) => `${d.latency_ms} ms` },
                  { header: "Next attempt", hash: "next", render: (d) => dateTime(d.next_attempt_at) },
                ]}
              />
            )
          }
        </Loaded>
      </Panel>
      <Replay endpointId={endpointId} />
    </div>
  );
}

function Replay({ endpointId }: { endpointId: string }) {
  const api = useAdminApi();
  const [ids, setIds] = useState("");
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [outcome, setOutcome] = useState<Parameters<typeof OutcomeMessage>[0]["outcome"] | null>(null);
  const replay = async () => {
    const event_ids = ids.split(/[\s,]+/).filter(Boolean);
    const body = event_ids.length ? { event_ids } : { since, until };
    try {
      const r = await api.post<{ queued: number; not_subscribed: number; unknown: string[] }>(
        `/admin/webhooks/endpoints/${encodeURIComponent(endpointId)}/replay`,
        body,
      );
      const unknown = r.unknown.length ? ` Unknown: ${r.unknown.join(", ")}.` : "";
      setOutcome({ ok: true, text: `${r.queued} event(s) queued, ${r.not_subscribed} not subscribed.${unknown}` });
    } catch (error) {
      const code = error instanceof ApiError ? ` (${error.code})` : "";
      setOutcome({ ok: false, text: describeError(error) + code, fields: error instanceof ApiError ? error.fields : [] });
    }
  };
  return (
    <Panel header="Replay events">
      {outcome && <OutcomeMessage outcome={outcome} />}
      <Form onSubmit={(e) => { e.preventDefault(); void replay(); }}>
        <FormGroup>
          <Input label="Event ids" description="Separated by commas or spaces; or leave empty and give a time range." value={ids} onChange={(e) => setIds(e.target.value)} />
        </FormGroup>
        <FormGroup>
          <Input label="Since" placeholder="2027-01-01T00:00:00Z" value={since} onChange={(e) => setSince(e.target.value)} />
        </FormGroup>
        <FormGroup>
          <Input label="Until" placeholder="2027-01-02T00:00:00Z" value={until} onChange={(e) => setUntil(e.target.value)} />
        </FormGroup>
        <Button type="submit">Replay</Button>
      </Form>
    </Panel>
  );
}
