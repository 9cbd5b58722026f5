// How much of a debit has come back, and by whom, in words: a refund gives back only the part
// of a debit it covers, so a debit may be partly given back, and the merchant's reverse then
// gives back only what remains.
import { quantity } from "./allotmentForm";
import type { AllotmentDebit, DebitReversal, Grant } from "./api/types";
import { dateTime } from "./format";

type Unit = Pick<Grant, "unit" | "currency_code">;

function byWhom(part: DebitReversal): string {
  return part.source === "refund" ? `by refund ${part.refund_id ?? "(unknown)"}` : "by the merchant";
}

function when(part: DebitReversal): string {
  return part.at ? ` on ${dateTime(part.at)}` : "";
}

/** Whether anything of the debit is left to give back. */
export function remains(debit: Pick<AllotmentDebit, "remaining">): boolean {
  return Number(debit.remaining) > 0;
}

/**
 * "3 of 5 given back by refund 12 on …; 2 remaining", one clause per part when there are several,
 * or "Nothing given back" when nothing has come back yet.
 */
export function givenBackWords(grant: Unit, debit: AllotmentDebit): string {
  const parts = debit.reversals;
  if (Number(debit.reversed_amount) <= 0 || parts.length === 0) return "Nothing given back";
  const head = `${quantity(grant, debit.reversed_amount)} of ${quantity(grant, debit.amount)} given back`;
  const how =
    parts.length === 1
      ? ` ${byWhom(parts[0]!)}${when(parts[0]!)}`
      : `: ${parts.map((p) => `${quantity(grant, p.amount)} ${byWhom(p)}${when(p)}`).join(", ")}`;
  const tail = remains(debit) ? `; ${quantity(grant, debit.remaining)} remaining` : "; nothing remaining";
  return head + how + tail;
}

/** The reverse button's label: plain while nothing came back, else what it will give back. */
export function reverseLabel(grant: Unit, debit: AllotmentDebit): string {
  return Number(debit.reversed_amount) > 0 ? `Reverse the remaining ${quantity(grant, debit.remaining)}` : "Reverse";
}

/** What the merchant's reverse gave back, once it has. */
export function reversedWords(grant: Unit, debit: AllotmentDebit): string {
  return Number(debit.reversed_amount) > 0
    ? `The remaining ${quantity(grant, debit.remaining)} of the debit of ${quantity(grant, debit.amount)} is given back.`
    : `The debit of ${quantity(grant, debit.amount)} is reversed.`;
}
