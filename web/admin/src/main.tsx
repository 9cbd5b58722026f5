import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { AdminApi } from "./api/client";
import { Session } from "./api/session";
import { App } from "./App";
import { readBoot } from "./boot";
import { ReloadApp } from "./components/ReloadApp";

const root = createRoot(document.getElementById("root")!);
const boot = readBoot(document);
if (!boot) {
  root.render(<ReloadApp reason="no session in the page" />);
} else {
  const api = new AdminApi(boot.api_base, new Session(boot.session, boot.expires_at));
  api.scheduleRenewal();
  root.render(
    <StrictMode>
      <App api={api} storeHash={boot.store_hash} />
    </StrictMode>,
  );
}
