// The session `/load` handed us, renewed before it expires. When renewal is refused (the
// app was uninstalled, or opened too long ago) the app asks the merchant to reload it.

export const RENEW_MARGIN_S = 300;

// How long to wait before renewing: the margin before expiry, at once if already inside it.
export function renewDelayMs(expiresAt: number, nowMs: number): number {
  return Math.max(0, (expiresAt - RENEW_MARGIN_S) * 1000 - nowMs);
}

export class Session {
  token: string;
  expiresAt: number;

  constructor(token: string, expiresAt: number) {
    this.token = token;
    this.expiresAt = expiresAt;
  }

  expired(nowMs: number): boolean {
    return nowMs >= this.expiresAt * 1000;
  }

  replace(token: string, expiresAt: number): void {
    this.token = token;
    this.expiresAt = expiresAt;
  }
}
