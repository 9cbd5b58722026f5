import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { AdminApi } from "./api/client";
import { Session } from "./api/session";
import { App } from "./App";
import { readBoot, startHash } from "./boot";
import { ReloadApp } from "./components/ReloadApp";

const root = createRoot(document.getElementById("root")!);
const boot = readBoot(document);
if (!boot) {
  root.render(<ReloadApp reason="no session in the page" />);
} else {
  const start = startHash(boot, window.location.hash);
  // Replaced, not pushed: the iframe's history gets no extra entry.
  if (start) window.history.replaceState(null, "", start);
  const api = new AdminApi(boot.api_base, new Session(boot.session, boot.expires_at));
  api.scheduleRenewal();
  root.render(
    <StrictMode>
      <App api={api} storeHash={boot.store_hash} />
    </StrictMode>,
  );
}
