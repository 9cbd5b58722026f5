import { Portal, type PortalConfig } from "./api";
import { configFromSrc, onAccountPage } from "./config";
import { PortalView } from "./view";

/** Render "My subscriptions" into `element` (a headless storefront calls this itself). */
export function mount(element: HTMLElement, config: PortalConfig): PortalView {
  const view = new PortalView(element, new Portal(config, window.fetch.bind(window)));
  void view.load();
  return view;
}

// Read while this script runs: `currentScript` is null once it has finished.
const script = document.currentScript as HTMLScriptElement | null;
const config = script ? configFromSrc(script.src) : null;

function start(): void {
  if (!config) return;
  let target = document.querySelector<HTMLElement>("[data-bcs-subscriptions]");
  if (!target && onAccountPage(window.location.pathname)) {
    const host = document.querySelector(".account-body, .account, main") ?? document.body;
    target = document.createElement("div");
    target.setAttribute("data-bcs-subscriptions", "");
    host.append(target);
  }
  if (target) mount(target, config);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
