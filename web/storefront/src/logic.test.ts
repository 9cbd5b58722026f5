import { describe as group, expect, it } from "vitest";
import { ApiError, Portal, storefrontToken, tokenExpiry, type Fetch } from "./api";
import { configFromSrc, onAccountPage } from "./config";
import { describe } from "./errors";
import { dayStart, linesTotal } from "./format";

function jwt(exp: number): string {
  const body = btoa(JSON.stringify({ exp })).replace(/=+$/, "");
  return `e30.${body}.sig`;
}

interface Call {
  url: string;
  init?: RequestInit;
}

function fakeFetch(answers: Record<string, () => Response>, calls: Call[] = []): Fetch {
  return async (url, init) => {
    calls.push({ url, init });
    const key = Object.keys(answers).find((k) => url.includes(k));
    if (!key) throw new TypeError("network down");
    return answers[key]!();
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

group("configuration from the script's own URL", () => {
  it("takes the API's origin and the client id from the registered src", () => {
    // Given / When
    const config = configFromSrc("https://api.example.test/app/assets/storefront.js?app_client_id=abc");
    // Then
    expect(config).toEqual({ apiBase: "https://api.example.test", clientId: "abc" });
  });

  it("does nothing without a client id or with a URL it cannot read", () => {
    expect(configFromSrc("https://api.example.test/app/assets/storefront.js")).toBeNull();
    expect(configFromSrc("not a url")).toBeNull();
  });

  it("mounts on Stencil's account page only", () => {
    expect(onAccountPage("/account.php")).toBe(true);
    expect(onAccountPage("/cart.php")).toBe(false);
    expect(onAccountPage("/account.php/x")).toBe(false);
  });
});

group("the shopper's token", () => {
  it("is fetched from the storefront for our client id, trimmed and unquoted", async () => {
    // Given a storefront answering the token with a newline, quoted
    const calls: Call[] = [];
    const fetchToken = storefrontToken("our id", fakeFetch({ "/customer/current.jwt": () => new Response('"a.b.c"\n') }, calls));
    // When / Then
    await expect(fetchToken()).resolves.toBe("a.b.c");
    expect(calls[0]!.url).toBe("/customer/current.jwt?app_client_id=our%20id");
    expect(calls[0]!.init?.credentials).toBe("same-origin");
  });

  it("says the shopper is not signed in when the storefront answers 404", async () => {
    const fetchToken = storefrontToken("id", fakeFetch({ "/customer/current.jwt": json(404, {}) }));
    await expect(fetchToken()).rejects.toMatchObject({ code: "not_signed_in" });
  });

  it("reads the expiry, and zero from something that is not a JWT", () => {
    expect(tokenExpiry(jwt(1234))).toBe(1234);
    expect(tokenExpiry("garbage")).toBe(0);
  });

  it("is reused until a minute before it expires, then fetched again", async () => {
    // Given a token valid until t=1000
    let now = 900;
    let fetched = 0;
    const portal = new Portal(
      { apiBase: "https://api.test", clientId: "c", fetchToken: async () => (fetched++, jwt(1000)) },
      fakeFetch({ "/portal/": json(200, { items: [] }) }),
      () => now,
    );
    // When two calls come before the last minute and one after
    await portal.list();
    await portal.list();
    now = 950;
    await portal.list();
    // Then the token was fetched twice
    expect(fetched).toBe(2);
  });
});

group("calls to the portal API", () => {
  it("send the bearer token and JSON to the API's origin", async () => {
    // Given
    const calls: Call[] = [];
    const portal = new Portal(
      { apiBase: "https://api.test/", clientId: "c", fetchToken: async () => "tok" },
      fakeFetch({ "/cancel": json(200, { id: "sub_1" }) }, calls),
    );
    // When
    await portal.cancel("sub_1", "period_end");
    // Then
    expect(calls[0]!.url).toBe("https://api.test/portal/subscriptions/sub_1/cancel");
    expect(calls[0]!.init?.method).toBe("POST");
    expect(calls[0]!.init?.body).toBe('{"when":"period_end"}');
    expect((calls[0]!.init?.headers as Record<string, string>).authorization).toBe("Bearer tok");
  });

  it("take a fresh token once after a 401, and give up after the second", async () => {
    // Given an API that refuses every token
    let tokens = 0;
    const portal = new Portal(
      { apiBase: "https://api.test", clientId: "c", fetchToken: async () => `t${++tokens}` },
      fakeFetch({ "/portal/": json(401, { error: "unauthorized", message: "customer token: expired" }) }),
    );
    // When / Then
    await expect(portal.list()).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    expect(tokens).toBe(2);
  });

  it("turn a refusal into its code, body and Retry-After", async () => {
    const portal = new Portal(
      { apiBase: "https://api.test", clientId: "c", fetchToken: async () => "t" },
      fakeFetch({ "/skip": json(429, { error: "rate_limited", message: "slow" }, { "retry-after": "125" }) }),
    );
    const failure = await portal.skip("s").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: "rate_limited", retryAfterS: 125 });
  });

  it("call a network failure a network failure", async () => {
    const portal = new Portal(
      { apiBase: "https://api.test", clientId: "c", fetchToken: async () => "t" },
      fakeFetch({}),
    );
    await expect(portal.resume("s")).rejects.toMatchObject({ code: "network" });
  });
});

group("errors in words", () => {
  const say = (code: string, body = {}, retry: number | null = null) =>
    describe(new ApiError(409, code, body, retry));

  it("explain each refusal of the cancel flow with its dates", () => {
    expect(say("cancel_locked", { earliest_cancel_at: "2026-06-04T09:30:00Z", remaining_cycles: 2 })).toBe(
      "Your plan has a minimum term: you can cancel from Jun 4, 2026 (2 more renewals).",
    );
    expect(say("contract_notice_period", { window_opens_at: "2027-01-01T00:00:00Z" })).toContain("Jan 1, 2027");
    expect(say("cancel_routed_to_legal", { window_opens_at: "2027-01-01T00:00:00Z" })).toContain(
      "passed to the store",
    );
    expect(say("cancel_already_scheduled")).toContain("already ends");
  });

  it("name the state a change is refused in, and the fields a form got wrong", () => {
    expect(say("invalid_transition", { status: "paused", command: "skip" })).toBe(
      "That is not possible while the subscription is paused.",
    );
    expect(say("invalid_request", { fields: [{ field: "zip", message: "Field required" }] })).toBe(
      "Please check the postal code: Field required.",
    );
  });

  it("say when to try again, and show an unknown code rather than nothing", () => {
    expect(say("rate_limited", {}, 125)).toBe("Too many changes in a short time. Try again in 3 minutes.");
    expect(say("something_new")).toBe("Something went wrong (something_new). Please try again.");
    expect(describe(new Error("x"))).toContain("reload");
  });
});

group("amounts and dates", () => {
  it("total the locked line prices and read a date input as the start of its day", () => {
    expect(linesTotal([{ quantity: 2, price_inc_tax: "25.00" }, { quantity: 1, price_inc_tax: "1.5" }])).toBe(51.5);
    expect(dayStart("2026-05-01")).toBe("2026-05-01T00:00:00Z");
    expect(dayStart("")).toBeNull();
  });
});
