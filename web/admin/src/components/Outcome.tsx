// What an action answered: done, or refused with every field's reason listed by field.
import { Message } from "@bigcommerce/big-design";
import { ApiError, describeError, type FieldError } from "../api/errors";

export type Outcome = { ok: true; text: string } | { ok: false; error: unknown; fields?: FieldError[] };

export function refusal(error: unknown): Outcome {
  return { ok: false, error, fields: error instanceof ApiError ? error.fields : [] };
}

export function OutcomeMessage({ outcome }: { outcome: Outcome | null }) {
  if (!outcome) return null;
  if (outcome.ok) return <Message marginTop="medium" type="success" messages={[{ text: outcome.text }]} data-outcome="ok" />;
  const code = outcome.error instanceof ApiError ? ` (${outcome.error.code})` : "";
  // No error from the API: the form itself found entries it cannot send.
  const words = outcome.error === null ? "Some entries are not valid; see each field below." : describeError(outcome.error);
  const fields = outcome.fields ?? [];
  return (
    <Message
      marginTop="medium"
      type="error"
      data-outcome="error"
      messages={[
        { text: `${words}${code}` },
        ...fields.map((f) => ({ text: `${f.field || "request"}: ${f.message}` })),
      ]}
    />
  );
}
