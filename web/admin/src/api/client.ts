// The admin API over fetch: Bearer session, JSON bodies, errors as ApiError, and the session
// renewed before it expires. Any 401 means the session is gone: `onSessionLost` is told once.
import { ApiError, parseErrorBody } from "./errors";
import { renewDelayMs, Session } from "./session";
import type { SessionRenewal } from "./types";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Query = Record<string, string | number | undefined | null>;

export class AdminApi {
  private readonly base: string;
  private readonly session: Session;
  private readonly fetcher: typeof fetch;
  private lost = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private onSessionLost: (reason: string) => void = () => {};

  constructor(base: string, session: Session, fetcher: typeof fetch = (...a) => fetch(...a)) {
    this.base = base;
    this.session = session;
    this.fetcher = fetcher;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>("GET", path, undefined, query);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PUT", path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }

  whenSessionLost(listener: (reason: string) => void): void {
    this.onSessionLost = listener;
  }

  // Keeps the session alive while the app is open.
  scheduleRenewal(now: () => number = Date.now): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.renew().then(() => this.scheduleRenewal(now), () => {});
    }, renewDelayMs(this.session.expiresAt, now()));
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  async renew(): Promise<void> {
    const renewed = await this.request<SessionRenewal>("POST", "/admin/session");
    this.session.replace(renewed.token, renewed.expires_at);
  }

  async request<T>(method: Method, path: string, body?: unknown, query?: Query): Promise<T> {
    if (this.lost) throw new ApiError(401, "unauthorized", "session ended");
    let reply: Response;
    try {
      reply = await this.fetcher(this.url(path, query), {
        method,
        headers: {
          authorization: `Bearer ${this.session.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network_error", "no answer");
    }
    const parsed = parseJson(await reply.text());
    if (reply.ok) return parsed as T;
    const error = parseErrorBody(reply.status, parsed);
    if (reply.status === 401) this.loseSession(error.message);
    throw error;
  }

  private loseSession(reason: string): void {
    if (this.lost) return;
    this.lost = true;
    this.stop();
    this.onSessionLost(reason);
  }

  private url(path: string, query?: Query): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
    }
    const qs = params.toString();
    return `${this.base}${path}${qs ? `?${qs}` : ""}`;
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
