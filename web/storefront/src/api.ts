import type { ShopperGrantDetail, ShopperGrantList } from "./allotmentsView";
import type { Card, CancelAnswer, CustomFieldValues, ErrorBody, Subscription } from "./types";

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** A refused or failed call: `code` is the API's machine-readable error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: ErrorBody = {},
    readonly retryAfterS: number | null = null,
  ) {
    super(body.message ?? code);
  }
}

export interface PortalConfig {
  /** Our API's origin, e.g. https://api.example.com */
  apiBase: string;
  /** The app's client id: `/customer/current.jwt` signs for this app only. */
  clientId: string;
  /** Where the shopper's BigCommerce current-customer JWT comes from (default: the storefront). */
  fetchToken?: () => Promise<string>;
}

/** The Stencil storefront's own answer for the signed-in shopper; a guest gets a 404. */
export function storefrontToken(clientId: string, fetchImpl: Fetch): () => Promise<string> {
  return async () => {
    const url = `/customer/current.jwt?app_client_id=${encodeURIComponent(clientId)}`;
    const reply = await fetchImpl(url, { credentials: "same-origin" });
    if (!reply.ok) throw new ApiError(401, "not_signed_in");
    // Plain text, possibly with a newline; a JSON-quoted string is the same token.
    return (await reply.text()).trim().replace(/^"(.*)"$/, "$1");
  };
}

/** Seconds since the epoch when the token expires (0 when unreadable: fetch it every time). */
export function tokenExpiry(token: string): number {
  try {
    const part = (token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(part)) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp : 0;
  } catch {
    return 0;
  }
}

export class Portal {
  private token: string | null = null;
  private readonly fetchToken: () => Promise<string>;

  constructor(
    private readonly config: PortalConfig,
    private readonly fetchImpl: Fetch,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    this.fetchToken = config.fetchToken ?? storefrontToken(config.clientId, fetchImpl);
  }

  /** One page of the shopper's list; `next_cursor` reads the next (null: no more). */
  list(cursor: string | null = null): Promise<{ items: Subscription[]; next_cursor?: string | null }> {
    const after = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
    return this.call("GET", `/portal/subscriptions?limit=100${after}`);
  }
  skip(id: string): Promise<Subscription> {
    return this.call("POST", `${sub(id)}/skip`);
  }
  pause(id: string, resumeAt: string | null): Promise<Subscription> {
    return this.call("POST", `${sub(id)}/pause`, resumeAt ? { resume_at: resumeAt } : {});
  }
  resume(id: string): Promise<Subscription> {
    return this.call("POST", `${sub(id)}/resume`);
  }
  cancel(id: string, when: "immediately" | "period_end"): Promise<CancelAnswer> {
    return this.call("POST", `${sub(id)}/cancel`, { when });
  }
  keep(id: string): Promise<Subscription> {
    return this.call("DELETE", `${sub(id)}/scheduled-cancel`);
  }
  quantity(id: string, productId: number, quantity: number): Promise<Subscription> {
    return this.call("POST", `${sub(id)}/quantity`, { product_id: productId, quantity });
  }
  cadence(id: string, cadence: string): Promise<Subscription> {
    return this.call("POST", `${sub(id)}/cadence`, { cadence });
  }
  address(id: string, fields: Record<string, string>): Promise<Subscription> {
    return this.call("PUT", `${sub(id)}/shipping-address`, fields);
  }
  customFields(id: string): Promise<CustomFieldValues> {
    return this.call("GET", `${sub(id)}/custom-fields`);
  }
  setCustomFields(id: string, values: Record<string, unknown>): Promise<CustomFieldValues> {
    return this.call("PATCH", `${sub(id)}/custom-fields`, { values });
  }
  cards(): Promise<{ items: Card[] }> {
    return this.call("GET", "/portal/payment-methods");
  }
  allotments(): Promise<ShopperGrantList> {
    return this.call("GET", "/portal/allotments?limit=100");
  }
  allotment(id: string): Promise<ShopperGrantDetail> {
    return this.call("GET", `/portal/allotments/${encodeURIComponent(id)}`);
  }
  useCard(token: string): Promise<{ items: Subscription[] }> {
    return this.call("PUT", "/portal/payment-method", { instrument_token: token });
  }

  private async call<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const token = await this.currentToken();
    let reply: Response;
    try {
      reply = await this.fetchImpl(this.config.apiBase.replace(/\/$/, "") + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network");
    }
    if (reply.status === 401 && !retried) {
      // The token may have expired between our check and the API's: fetch a fresh one once.
      this.token = null;
      return this.call(method, path, body, true);
    }
    const text = await reply.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (!reply.ok) {
      const errorBody = (parsed ?? {}) as ErrorBody;
      const retryAfter = Number(reply.headers.get("retry-after"));
      throw new ApiError(
        reply.status,
        errorBody.error ?? `http_${reply.status}`,
        errorBody,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      );
    }
    return parsed as T;
  }

  private async currentToken(): Promise<string> {
    // BigCommerce's token lives 15 minutes; take a new one a minute before it ends.
    if (this.token === null || tokenExpiry(this.token) - 60 < this.now()) {
      this.token = await this.fetchToken();
    }
    return this.token;
  }
}

function sub(id: string): string {
  return `/portal/subscriptions/${encodeURIComponent(id)}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
