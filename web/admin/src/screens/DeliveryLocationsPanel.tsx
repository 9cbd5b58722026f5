// Where a subscription ships each cycle (one order per location); a change applies from the
// next cycle not yet started, which the API names.
import { Button, Flex, FormGroup, Input, Panel, Table, Text } from "@bigcommerce/big-design";
import { useState } from "react";
import { errorFor } from "../api/errors";
import type { LocationChange, Locations } from "../api/types";
import { Loaded } from "../components/States";
import { OutcomeMessage, refusal, type Outcome } from "../components/Outcome";
import { LOCATION_FIELDS, addressLine, emptyLocation, locationBody } from "../locationForm";
import { useAdminApi, useLoad } from "../useApi";

export function DeliveryLocationsPanel({ subscriptionId }: { subscriptionId: string }) {
  const path = `/admin/subscriptions/${encodeURIComponent(subscriptionId)}/locations`;
  const [load, reload] = useLoad((api) => api.get<Locations>(path), path);
  return (
    <Panel header="Delivery locations" data-panel="locations">
      <Loaded load={load} what="the delivery locations" retry={reload}>
        {(view) => <LocationsEditor view={view} path={path} done={reload} />}
      </Loaded>
    </Panel>
  );
}

export function LocationsEditor({ view, path, done }: { view: Locations; path: string; done: () => void }) {
  const api = useAdminApi();
  const [form, setForm] = useState(emptyLocation);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const send = async (run: () => Promise<LocationChange>, text: (c: LocationChange) => string, clear: boolean) => {
    setBusy(true);
    setOutcome(null);
    try {
      const change = await run();
      setOutcome({ ok: true, text: text(change) });
      if (clear) setForm(emptyLocation());
      done();
    } catch (error) {
      setOutcome(refusal(error));
    } finally {
      setBusy(false);
    }
  };
  const fields = outcome && !outcome.ok ? (outcome.fields ?? []) : [];
  const input = (key: string, label: string, error?: string) => (
    <FormGroup key={key}>
      <Input label={label} value={form[key] ?? ""} onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))} error={error} />
    </FormGroup>
  );
  return (
    <>
      <Text>
        {view.locations.length === 0
          ? "Renewals ship to the subscription's own address."
          : `Each renewal places one order per location below.`}{" "}
        A change made now applies from cycle {view.applies_from_cycle}.
      </Text>
      {view.locations.length > 0 && (
        <Table
          keyField="id"
          items={view.locations}
          columns={[
            { header: "Location", hash: "label", render: (l) => l.label || l.id },
            { header: "Address", hash: "address", render: (l) => addressLine(l.address) },
            { header: "Shipping", hash: "method", render: (l) => `${l.address.shipping_method ?? "—"} (${l.shipping_cost_ex_tax} ex tax)` },
            {
              header: "",
              hash: "remove",
              render: (l) => (
                <Button
                  variant="subtle"
                  actionType="destructive"
                  disabled={busy}
                  onClick={() =>
                    void send(
                      () => api.delete<LocationChange>(`${path}/${encodeURIComponent(l.id)}`),
                      (c) => `${c.location.label || c.location.id} is no longer shipped to from cycle ${c.applies_from_cycle}.`,
                      false,
                    )
                  }
                >
                  Remove
                </Button>
              ),
            },
          ]}
        />
      )}
      <Text marginTop="medium">
        <strong>Add a location</strong>
      </Text>
      <Flex flexGap="1rem" flexWrap="wrap">
        {input("label", "Label", errorFor(fields, "label"))}
        {LOCATION_FIELDS.map(([key, label]) => input(key, label, errorFor(fields, `address.${key}`)))}
        {input("shipping_cost_ex_tax", "Shipping cost (ex tax)", errorFor(fields, "shipping_cost_ex_tax"))}
      </Flex>
      <Button
        marginTop="medium"
        isLoading={busy}
        disabled={busy}
        onClick={() =>
          void send(
            () => api.post<LocationChange>(path, locationBody(form)),
            (c) => `${c.location.label || "The location"} is shipped to from cycle ${c.applies_from_cycle}.`,
            true,
          )
        }
      >
        Add location
      </Button>
      <OutcomeMessage outcome={outcome} />
    </>
  );
}
