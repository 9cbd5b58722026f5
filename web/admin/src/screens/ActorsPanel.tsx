// Who holds which role on a subscription: give a customer a role, end one, replace the payer.
import { Button, Flex, FormGroup, Input, Panel, Select, Table, Text } from "@bigcommerce/big-design";
import { useState } from "react";
import { ADDABLE_ROLES, ROLE_WORDS, activeActors, actorRequest, addedByWords, removable } from "../actorForm";
import { errorFor } from "../api/errors";
import type { Actor, Actors, Role } from "../api/types";
import { Loaded } from "../components/States";
import { OutcomeMessage, refusal, type Outcome } from "../components/Outcome";
import { dateTime } from "../format";
import { useAdminApi, useLoad } from "../useApi";

export function ActorsPanel({ subscriptionId }: { subscriptionId: string }) {
  const path = `/admin/subscriptions/${encodeURIComponent(subscriptionId)}/actors`;
  const [load, reload] = useLoad((api) => api.get<Actors>(path), path);
  return (
    <Panel header="Actors" data-panel="actors">
      <Loaded load={load} what="the actors" retry={reload}>
        {(view) => <ActorsEditor view={view} path={path} done={reload} />}
      </Loaded>
    </Panel>
  );
}

export function ActorsEditor({ view, path, done }: { view: Actors; path: string; done: () => void }) {
  const api = useAdminApi();
  const [customerId, setCustomerId] = useState("");
  const [role, setRole] = useState<Role>("manager");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const send = async (method: "POST" | "DELETE", target: string, body: unknown, text: string) => {
    setBusy(true);
    setOutcome(null);
    try {
      await api.request(method, target, body);
      setOutcome({ ok: true, text });
      done();
    } catch (error) {
      setOutcome(refusal(error));
    } finally {
      setBusy(false);
    }
  };
  const add = () => {
    const made = actorRequest(customerId, role);
    if ("errors" in made) return setOutcome({ ok: false, error: null, fields: made.errors });
    const text = role === "payer" ? `Customer #${made.body.customer_id} pays from now on.` : `Customer #${made.body.customer_id} is now ${ROLE_WORDS[role].toLowerCase()}.`;
    void send("POST", path, made.body, text);
  };
  const remove = (a: Actor) =>
    void send("DELETE", `${path}/${a.customer_id}/${a.role}`, undefined, `Customer #${a.customer_id} is no longer ${a.role}.`);
  const fields = outcome && !outcome.ok ? (outcome.fields ?? []) : [];
  return (
    <>
      <Text>
        Paid by customer #{view.payer_customer_id} · ships to customer #{view.beneficiary_customer_id}
        {view.payer_customer_id !== view.beneficiary_customer_id ? " (a gift)" : ""}
      </Text>
      <Table
        keyField="_key"
        items={activeActors(view.actors).map((a) => ({ ...a, _key: `${a.customer_id}-${a.role}` }))}
        columns={[
          { header: "Customer", hash: "customer", render: (a) => `#${a.customer_id}` },
          { header: "Role", hash: "role", render: (a) => ROLE_WORDS[a.role as Role] ?? a.role },
          { header: "Since", hash: "since", render: (a) => dateTime(a.added_at) },
          { header: "Added by", hash: "by", render: (a) => addedByWords(a) },
          {
            header: "",
            hash: "remove",
            render: (a) =>
              removable(a) ? (
                <Button variant="subtle" actionType="destructive" disabled={busy} onClick={() => remove(a)}>
                  Remove
                </Button>
              ) : null,
          },
        ]}
      />
      <Flex flexGap="1rem" alignItems="flex-end" marginTop="medium" flexWrap="wrap">
        <FormGroup>
          <Input label="Customer id" value={customerId} onChange={(e) => setCustomerId(e.target.value)} error={errorFor(fields, "customer_id")} />
        </FormGroup>
        <FormGroup>
          <Select
            label="Role"
            options={ADDABLE_ROLES.map((r) => ({ value: r, content: r === "payer" ? "Payer (replaces the current one)" : ROLE_WORDS[r] }))}
            value={role}
            onOptionChange={(r) => r && setRole(r)}
            error={errorFor(fields, "role")}
          />
        </FormGroup>
        <Button isLoading={busy} disabled={busy} onClick={add}>
          {role === "payer" ? "Replace payer" : "Add"}
        </Button>
      </Flex>
      <OutcomeMessage outcome={outcome} />
    </>
  );
}
