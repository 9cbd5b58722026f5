import { giftWords, may, roleWords } from "./access";
import type { Portal } from "./api";
import { field, h, value } from "./dom";
import { describe } from "./errors";
import { dayStart, ENDED, formatDate, linesTotal, money, statusLabel } from "./format";
import { customFields } from "./customFieldsView";
import { balancesSection, readBalances, type Balances } from "./allotmentsView";
import type { Card, CustomFieldValues, Subscription } from "./types";

const ADDRESS_FIELDS: [string, string][] = [
  ["first_name", "First name"],
  ["last_name", "Last name"],
  ["street_1", "Street"],
  ["city", "City"],
  ["state", "State"],
  ["zip", "Postal code"],
  ["country_iso2", "Country code"],
];

/** "My subscriptions": the shopper's subscriptions, their actions, and their saved cards. */
export class PortalView {
  private subs: Subscription[] | null = null;
  // The list comes a page at a time (a company buyer's may be long): how many pages the shopper
  // has asked for, so a reload after an action shows as many again, and where the next starts.
  private pages = 1;
  private nextCursor: string | null = null;
  private cards: Card[] | null = null;
  private cardsError: unknown = null;
  private error: unknown = null;
  private notice: string | null = null;
  private cancelling: string | null = null;
  // When the open cancel flow would cancel: kept here, so a render while it is open (a reload
  // landing) never puts the choice back to "now".
  private cancelWhen: "immediately" | "period_end" = "immediately";
  // Each subscription's custom fields, read after the list; a failed read hides only them.
  private fields = new Map<string, CustomFieldValues | { failed: unknown }>();
  private busy = false;
  // Entries in a custom field form that cannot be sent as typed, each named.
  private fieldProblems: string[] = [];
  // The shopper's allotment balances, where the store shows them (null until read).
  private balances: Balances | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly portal: Portal,
  ) {}

  async load(): Promise<void> {
    this.render();
    const balances = readBalances(
      () => this.portal.allotments(),
      (id) => this.portal.allotment(id),
    );
    try {
      const subs: Subscription[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < this.pages && (page === 0 || cursor !== null); page++) {
        const answer = await this.portal.list(cursor);
        subs.push(...answer.items);
        cursor = answer.next_cursor ?? null;
      }
      this.subs = subs;
      this.nextCursor = cursor;
      this.error = null;
    } catch (failure) {
      this.error = failure;
    }
    this.balances = await balances;
    await this.readFields(this.subs ?? []);
    await this.readCards();
    this.render();
  }

  /** The next page of the list, added below what is shown. */
  async more(): Promise<void> {
    if (this.busy || this.nextCursor === null || this.subs === null) return;
    this.busy = true;
    this.render();
    try {
      const answer = await this.portal.list(this.nextCursor);
      const shown = new Set(this.subs.map((s) => s.id));
      const added = answer.items.filter((s) => !shown.has(s.id));
      this.subs = [...this.subs, ...added];
      this.nextCursor = answer.next_cursor ?? null;
      this.pages += 1;
      this.error = null;
      await this.readFields(added);
      if (this.cards === null) await this.readCards();
    } catch (failure) {
      this.error = failure;
    }
    this.busy = false;
    this.render();
  }

  private async readFields(subs: Subscription[]): Promise<void> {
    await Promise.all(
      subs.map(async (s) => {
        try {
          this.fields.set(s.id, await this.portal.customFields(s.id));
        } catch (failure) {
          this.fields.set(s.id, { failed: failure });
        }
      }),
    );
  }

  private async readCards(): Promise<void> {
    if (!this.subs?.some((s) => may(s, "change_card"))) return;
    try {
      this.cards = (await this.portal.cards()).items;
      this.cardsError = null;
    } catch (failure) {
      this.cardsError = failure;
    }
  }

  /** Run one action; on success say so and reload, on failure say why and keep the page. */
  async act(run: () => Promise<unknown>, done: (answer: unknown) => string): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.notice = null;
    this.fieldProblems = [];
    this.render();
    try {
      const answer = await run();
      this.notice = done(answer);
      this.cancelling = null;
      // Busy until the page shows what the change made: nothing may be pressed on stale data.
      await this.load();
      this.busy = false;
      this.render();
    } catch (failure) {
      this.error = failure;
      this.busy = false;
      if ((failure as { code?: string }).code === "concurrent_change") await this.load();
      else this.render();
    }
  }

  private render(): void {
    const body: (Node | null)[] = [];
    if (this.notice) body.push(h("p", { role: "status", "data-notice": true }, this.notice));
    for (const problem of this.fieldProblems) body.push(h("p", { role: "alert", "data-field-problem": true }, problem));
    if (this.error) {
      const code = (this.error as { code?: string }).code ?? "unknown";
      body.push(h("p", { role: "alert", "data-error-code": code }, describe(this.error)));
    }
    if (this.subs === null && !this.error) body.push(h("p", { "aria-busy": "true" }, "Loading…"));
    if (this.subs !== null && this.subs.length === 0) {
      body.push(h("p", { "data-empty": true }, "You have no subscriptions yet."));
    }
    for (const sub of this.subs ?? []) body.push(this.subscription(sub));
    if (this.subs !== null && this.nextCursor !== null) {
      body.push(h("p", { "data-more": true }, this.button("Show more", () => this.more())));
    }
    body.push(balancesSection(this.balances));
    if (this.subs?.some((s) => !ENDED.has(s.status) && may(s, "change_card"))) body.push(this.payment());
    const section = h(
      "section",
      { class: "bcs-portal", "data-bcs-portal": true, "aria-busy": this.busy ? "true" : "false" },
      h("h2", {}, "My subscriptions"),
      ...body,
    );
    this.root.replaceChildren(style(), section);
  }

  private subscription(sub: Subscription): HTMLElement {
    const title = sub.lines.map((l) => `${l.name} × ${l.quantity}`).join(", ");
    const live = !ENDED.has(sub.status);
    const renewing = sub.status === "active" || sub.status === "trialing";
    const facts = [statusLabel(sub.status), sub.cadence_label];
    if (live) facts.push(`next renewal ${formatDate(sub.next_renewal_at)}`);
    facts.push(money(linesTotal(sub.lines), sub.currency));
    const p = this.portal;
    return h(
      "article",
      { class: "bcs-sub", "data-subscription-id": sub.id, "data-status": sub.status },
      h("h3", {}, title),
      h("p", {}, facts.join(" · ")),
      h("p", { "data-roles": sub.roles.join(" ") }, roleWords(sub)),
      giftWords(sub) ? h("p", { "data-gift": true }, giftWords(sub)!) : null,
      sub.resume_at ? h("p", {}, `Paused until ${formatDate(sub.resume_at)}.`) : null,
      sub.cancel_at ? h("p", {}, `Ends on ${formatDate(sub.cancel_at)}; it will not renew.`) : null,
      live
        ? h(
            "div",
            { class: "bcs-actions" },
            renewing && may(sub, "skip") && this.button("Skip next delivery", () =>
              this.act(() => p.skip(sub.id), () => "The next delivery is skipped."),
            ),
            renewing && may(sub, "pause") && this.pauseControls(sub),
            sub.status === "paused" &&
              may(sub, "resume") &&
              this.button("Resume", () =>
                this.act(() => p.resume(sub.id), () => "Your subscription is active again."),
              ),
            sub.cancel_at &&
              may(sub, "withdraw_cancel") &&
              this.button("Keep my subscription", () =>
                this.act(() => p.keep(sub.id), () => "Your subscription will keep renewing."),
              ),
            this.cancelling !== sub.id && may(sub, "cancel")
              ? this.button("Cancel subscription…", () => {
                  this.cancelling = sub.id;
                  this.cancelWhen = "immediately";
                  this.error = null;
                  this.render();
                })
              : null,
          )
        : null,
      live && this.cancelling === sub.id ? this.cancelPanel(sub) : null,
      live ? this.changes(sub) : null,
      this.customFields(sub),
    );
  }

  private customFields(sub: Subscription): HTMLElement | null {
    const seen = this.fields.get(sub.id);
    if (!seen) return null;
    if ("failed" in seen) return h("p", { "data-fields-error": true }, `Your details for it could not be loaded: ${describe(seen.failed)}`);
    return customFields(seen, may(sub, "edit_custom_fields") && !ENDED.has(sub.status), this.busy, (values) =>
      this.act(() => this.portal.setCustomFields(sub.id, values), () => "Your details are saved."),
    (errors) => {
      this.error = null;
      this.notice = null;
      this.fieldProblems = errors;
      this.render();
    });
  }

  private pauseControls(sub: Subscription): HTMLElement {
    const date = h("input", { type: "date", name: "resume_on" });
    return h(
      "span",
      {},
      field("Resume on (optional)", date),
      this.button("Pause", () => {
        const resumeAt = dayStart((date as HTMLInputElement).value);
        const done = resumeAt ? `Paused until ${formatDate(resumeAt)}.` : "Your subscription is paused.";
        return this.act(() => this.portal.pause(sub.id, resumeAt), () => done);
      }),
    );
  }

  private cancelPanel(sub: Subscription): HTMLElement {
    const choice = (when: "immediately" | "period_end", text: string) =>
      h(
        "label",
        {},
        h("input", {
          type: "radio",
          name: `when-${sub.id}`,
          value: when,
          checked: this.cancelWhen === when,
          onchange: () => {
            this.cancelWhen = when;
          },
        }),
        ` ${text}`,
      );
    const panel = h(
      "fieldset",
      { class: "bcs-cancel", "data-cancel-flow": true },
      h("legend", {}, "Cancel this subscription"),
      choice("immediately", "Now: nothing more is charged or sent"),
      sub.status === "active" || sub.status === "trialing"
        ? choice("period_end", `At the end of this period (${formatDate(sub.next_renewal_at)})`)
        : null,
    );
    panel.append(
      this.button("Confirm cancellation", () => {
        const when = this.cancelWhen;
        return this.act(
          () => this.portal.cancel(sub.id, when),
          (answer) => cancelled(answer as { cancel_at: string | null; early_cancel_fee: string | null; currency: string }),
        );
      }),
      this.button("Close", () => {
        this.cancelling = null;
        this.render();
      }),
    );
    return panel;
  }

  private changes(sub: Subscription): HTMLElement | null {
    const p = this.portal;
    const quantity = may(sub, "change_quantity");
    const cadenceAllowed = may(sub, "change_cadence");
    const addressAllowed = may(sub, "change_address");
    if (!quantity && !cadenceAllowed && !addressAllowed) return null;
    const lines = sub.lines.map((line) => {
      const input = h("input", { type: "number", min: "1", value: String(line.quantity) });
      return h(
        "div",
        {},
        field(`Quantity of ${line.name}`, input),
        this.button("Save quantity", () =>
          this.act(
            () => p.quantity(sub.id, line.product_id, Number((input as HTMLInputElement).value)),
            () => "The quantity changes from the next renewal.",
          ),
        ),
      );
    });
    const cadence = h("input", { type: "text", name: "cadence", value: sub.cadence_label });
    const address = h("div", { class: "bcs-address" });
    for (const [name, text] of ADDRESS_FIELDS) {
      address.append(field(text, h("input", { name, value: sub.shipping_address?.[name] ?? "" })));
    }
    address.append(
      this.button("Save address", () => {
        const fields: Record<string, string> = {};
        for (const [name] of ADDRESS_FIELDS) {
          const entered = value(address, `[name=${name}]`);
          if (entered) fields[name] = entered;
        }
        return this.act(() => p.address(sub.id, fields), () => "Renewals ship to the new address.");
      }),
    );
    return h(
      "details",
      { class: "bcs-changes" },
      h("summary", {}, changesTitle(quantity, cadenceAllowed, addressAllowed)),
      ...(quantity ? lines : []),
      cadenceAllowed &&
      h(
        "div",
        {},
        field("Delivery schedule", cadence),
        this.button("Change schedule", () =>
          this.act(
            () => p.cadence(sub.id, (cadence as HTMLInputElement).value.trim()),
            () => "The new schedule applies from the next renewal.",
          ),
        ),
      ),
      addressAllowed && address,
    );
  }

  private payment(): HTMLElement {
    const rows: (Node | null)[] = [];
    if (this.cardsError) rows.push(h("p", { role: "alert" }, describe(this.cardsError)));
    else if (this.cards !== null && this.cards.length === 0) {
      rows.push(h("p", {}, "You have no saved cards. Add one under Payment methods in your account."));
    }
    for (const card of this.cards ?? []) {
      rows.push(
        h(
          "li",
          { "data-card": card.last_4 },
          `${cardName(card)}${card.is_default ? " (default)" : ""} `,
          this.button(`Use ${cardName(card)}`, () =>
            this.act(
              () => this.portal.useCard(card.token),
              () => `Your subscriptions will be charged to ${cardName(card)}.`,
            ),
          ),
        ),
      );
    }
    return h("div", { class: "bcs-payment" }, h("h3", {}, "Payment method"), h("ul", {}, ...rows));
  }

  private button(text: string, onClick: () => unknown): HTMLElement {
    return h("button", { type: "button", disabled: this.busy, onclick: () => void onClick() }, text);
  }
}

function changesTitle(quantity: boolean, cadence: boolean, address: boolean): string {
  const what = [quantity && "quantity", cadence && "schedule", address && "address"].filter(Boolean) as string[];
  const last = what.pop()!;
  return `Change ${what.length ? `${what.join(", ")} or ${last}` : last}`;
}

function cancelled(answer: { cancel_at: string | null; early_cancel_fee: string | null; currency: string }): string {
  const fee = answer.early_cancel_fee
    ? ` An early cancellation fee of ${money(answer.early_cancel_fee, answer.currency)} is owed.`
    : "";
  const when = answer.cancel_at
    ? `Your subscription ends on ${formatDate(answer.cancel_at)}; it will not renew.`
    : "Your subscription is cancelled.";
  return when + fee;
}

export function cardName(card: Card): string {
  if (card.type === "stored_paypal_account") return "PayPal account";
  if (card.type === "stored_bank_account") return "bank account";
  const brand = card.brand ? card.brand[0]!.toUpperCase() + card.brand.slice(1) : "Card";
  const expiry = card.expiry_month ? `, expires ${card.expiry_month}/${card.expiry_year}` : "";
  return `${brand} ending ${card.last_4}${expiry}`;
}

function style(): HTMLElement {
  // Scoped to our section: the theme's own styles stay in charge of everything else.
  return h(
    "style",
    {},
    ".bcs-portal{margin:1.5rem 0}.bcs-sub{border:1px solid #ddd;border-radius:6px;padding:1rem;margin:1rem 0}" +
      ".bcs-portal button{margin:.25rem .5rem .25rem 0}.bcs-field{margin-right:.5rem}" +
      ".bcs-portal [role=alert]{color:#b00020}.bcs-cancel{margin:.75rem 0}.bcs-cancel label{display:block}.bcs-address label{display:block}",
  );
}
