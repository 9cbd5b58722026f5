// The merchant's webhook endpoints: add, rotate (the secret is shown once), disable, enable.
import { Badge, Button, Flex, Form, FormGroup, Input, Link, Message, Panel, Table, Text } from "@bigcommerce/big-design";
import { useState } from "react";
import { ApiError, describeError, type FieldError } from "../api/errors";
import type { Endpoint, EndpointWithSecret } from "../api/types";
import { Empty, Loaded } from "../components/States";
import { dateTime } from "../format";
import { href } from "../router";
import { useAdminApi, useLoad } from "../useApi";

type Outcome = { ok: boolean; text: string; secret?: string; fields?: FieldError[] };

function failure(error: unknown): Outcome {
  const code = error instanceof ApiError ? ` (${error.code})` : "";
  return { ok: false, text: describeError(error) + code, fields: error instanceof ApiError ? error.fields : [] };
}

export function Webhooks() {
  const api = useAdminApi();
  const [load, reload] = useLoad((a) => a.get<Endpoint[]>("/admin/webhooks/endpoints"), "endpoints");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const act = async (label: string, run: () => Promise<Outcome>) => {
    setOutcome(null);
    try {
      setOutcome(await run());
      reload();
    } catch (error) {
      setOutcome({ ...failure(error), text: `${label}: ${failure(error).text}` });
    }
  };
  const rotate = (e: Endpoint) =>
    act("Rotate", async () => {
      const r = await api.post<EndpointWithSecret>(`/admin/webhooks/endpoints/${e.endpoint_id}/rotate`);
      return { ok: true, text: `New signing secret for ${e.url}. Copy it now: it is not shown again.`, secret: r.secret };
    });
  const disable = (e: Endpoint) =>
    act("Disable", async () => {
      await api.post(`/admin/webhooks/endpoints/${e.endpoint_id}/disable`);
      return { ok: true, text: `${e.url} is disabled; events for it are kept.` };
    });
  const enable = (e: Endpoint) =>
    act("Enable", async () => {
      const r = await api.post<{ missed: { since: string; until: string } | null }>(`/admin/webhooks/endpoints/${e.endpoint_id}/enable`);
      const missed = r.missed ? ` Events from ${dateTime(r.missed.since)} to ${dateTime(r.missed.until)} were missed; replay them from its delivery log.` : "";
      return { ok: true, text: `${e.url} is enabled.${missed}` };
    });
  return (
    <div data-screen="webhooks">
      {outcome && <OutcomeMessage outcome={outcome} />}
      <Panel header="Webhook endpoints">
        <Loaded load={load} what="webhook endpoints" retry={reload}>
          {(endpoints) =>
            endpoints.length === 0 ? (
              <Empty heading="No endpoints" message="Add an endpoint to receive subscription events on your own server." />
            ) : (
              <Table
                keyField="endpoint_id"
                items={endpoints}
                columns={[
                  { header: "URL", hash: "url", render: (e) => <Link href={href({ screen: "deliveries", endpointId: e.endpoint_id })}>{e.url}</Link> },
                  { header: "Events", hash: "events", render: (e) => e.event_types.join(", ") },
                  {
                    header: "State",
                    hash: "state",
                    render: (e) =>
                      e.enabled ? (
                        <Badge label={e.failing_since ? `failing since ${dateTime(e.failing_since)}` : "enabled"} variant={e.failing_since ? "warning" : "success"} />
                      ) : (
                        <Badge label={`disabled${e.disabled_reason ? `: ${e.disabled_reason}` : ""}`} variant="secondary" />
                      ),
                  },
                  {
                    header: "",
                    hash: "actions",
                    render: (e) => (
                      <Flex flexGap="0.5rem">
                        <Button variant="subtle" onClick={() => void rotate(e)}>Rotate secret</Button>
                        {e.enabled ? (
                          <Button variant="subtle" onClick={() => void disable(e)}>Disable</Button>
                        ) : (
                          <Button variant="subtle" onClick={() => void enable(e)}>Enable</Button>
                        )}
                      </Flex>
                    ),
                  },
                ]}
              />
            )
          }
        </Loaded>
      </Panel>
      <AddEndpoint onAdded={(o) => { setOutcome(o); reload(); }} />
    </div>
  );
}

export function OutcomeMessage({ outcome }: { outcome: Outcome }) {
  return (
    <Message
      marginBottom="medium"
      type={outcome.ok ? "success" : "error"}
      messages={[
        { text: outcome.text },
        ...(outcome.secret ? [{ text: outcome.secret }] : []),
        ...(outcome.fields ?? []).map((f) => ({ text: f.field ? `${f.field}: ${f.message}` : f.message })),
      ]}
    />
  );
}

function AddEndpoint({ onAdded }: { onAdded: (o: Outcome) => void }) {
  const api = useAdminApi();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState("*");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<Outcome | null>(null);
  const add = async () => {
    setError(null);
    try {
      const event_types = events.split(",").map((s) => s.trim()).filter(Boolean);
      const r = await api.post<EndpointWithSecret>("/admin/webhooks/endpoints", { url, event_types, description });
      setUrl("");
      onAdded({ ok: true, text: `Added ${r.endpoint.url}. Its signing secret is below; copy it now: it is not shown again.`, secret: r.secret });
    } catch (e) {
      setError(failure(e));
    }
  };
  const fieldError = (name: string) => error?.fields?.filter((f) => f.field === name).map((f) => f.message).join("; ") || undefined;
  return (
    <Panel header="Add an endpoint">
      {error && <OutcomeMessage outcome={{ ...error, fields: error.fields?.filter((f) => !["url", "event_types", "description"].includes(f.field)) }} />}
      <Form onSubmit={(e) => { e.preventDefault(); void add(); }}>
        <FormGroup>
          <Input label="URL" name="url" placeholder="https://example.com/hooks" value={url} error={fieldError("url")} onChange={(e) => setUrl(e.target.value)} required />
        </FormGroup>
        <FormGroup>
          <Input label="Event types" description="Comma-separated, or * for every event." name="event_types" value={events} error={fieldError("event_types")} onChange={(e) => setEvents(e.target.value)} />
        </FormGroup>
        <FormGroup>
          <Input label="Description" name="description" value={description} error={fieldError("description")} onChange={(e) => setDescription(e.target.value)} />
        </FormGroup>
        <Button type="submit">Add endpoint</Button>
      </Form>
      <Text marginTop="medium" color="secondary60">
        Each delivery is signed with the endpoint's secret; see the README's merchant webhooks section to verify it.
      </Text>
    </Panel>
  );
}
