// What `/load` wrote into the page: the store, the user and a short-lived session.

export interface Boot {
  store_hash: string;
  user_id: number;
  session: string;
  expires_at: number; // epoch seconds
  api_base: string;
  // Set by the install callback: the first screen a merchant sees right after install.
  start?: "onboarding";
}

export function readBoot(doc: Document): Boot | null {
  const element = doc.getElementById("bcs-boot");
  if (!element?.textContent) return null;
  try {
    const value: unknown = JSON.parse(element.textContent);
    return isBoot(value) ? value : null;
  } catch {
    return null;
  }
}

function isBoot(value: unknown): value is Boot {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.store_hash === "string" &&
    typeof v.user_id === "number" &&
    typeof v.session === "string" &&
    typeof v.expires_at === "number" &&
    typeof v.api_base === "string" &&
    (v.start === undefined || v.start === "onboarding")
  );
}

// The screen to open on: the page's own address wins (a reload stays where it was); a page
// without one opens where the install callback asked, if it did.
export function startHash(boot: Boot, currentHash: string): string | null {
  if (currentHash !== "" && currentHash !== "#") return null;
  return boot.start === "onboarding" ? "#/onboarding" : null;
}
