import type { PortalConfig } from "./api";

/** Our API's origin and client id, read from the URL the storefront loaded this script from
 * (`<api>/app/assets/storefront.js?app_client_id=...`, as registered at install). */
export function configFromSrc(src: string): PortalConfig | null {
  try {
    const url = new URL(src);
    const clientId = url.searchParams.get("app_client_id");
    return clientId ? { apiBase: url.origin, clientId } : null;
  } catch {
    return null;
  }
}

/** Stencil's account pages; the Scripts API cannot narrow a script to them, so we do. */
export function onAccountPage(pathname: string): boolean {
  return /^\/account\.php$/.test(pathname);
}
