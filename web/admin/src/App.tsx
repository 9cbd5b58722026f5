import { Box, Flex, GlobalStyles, H1, Link, Text } from "@bigcommerce/big-design";
import { useEffect, useState } from "react";
import type { AdminApi } from "./api/client";
import { ReloadApp } from "./components/ReloadApp";
import { href, type Route, type SubscriptionFilters, useRoute } from "./router";
import { Dashboard } from "./screens/Dashboard";
import { Onboarding } from "./screens/Onboarding";
import { Deliveries } from "./screens/Deliveries";
import { OpsQueueScreen } from "./screens/OpsQueues";
import { Plans } from "./screens/Plans";
import { Allotments } from "./screens/Allotments";
import { CustomFieldSettings } from "./screens/CustomFieldSettings";
import { Settings } from "./screens/Settings";
import { SubscriptionPage } from "./screens/SubscriptionPage";
import { Subscriptions } from "./screens/Subscriptions";
import { Webhooks } from "./screens/Webhooks";
import { ApiContext } from "./useApi";

const NAV: Array<[string, Route]> = [
  ["Dashboard", { screen: "dashboard" }],
  ["Get started", { screen: "onboarding" }],
  ["Subscriptions", { screen: "subscriptions" }],
  ["Ops queues", { screen: "ops", queue: "failed-charges" }],
  ["Plans", { screen: "plans" }],
  ["Webhooks", { screen: "webhooks" }],
  ["Allotments", { screen: "allotments" }],
  ["Custom fields", { screen: "custom_fields" }],
  ["Settings", { screen: "settings" }],
];

export function App({ api, storeHash }: { api: AdminApi; storeHash: string }) {
  const route = useRoute();
  const [lost, setLost] = useState<string | null>(null);
  useEffect(() => {
    api.whenSessionLost((reason) => setLost(reason));
    return () => api.stop();
  }, [api]);
  if (lost !== null) {
    return (
      <>
        <GlobalStyles />
        <ReloadApp reason={lost} />
      </>
    );
  }
  return (
    <ApiContext.Provider value={api}>
      <GlobalStyles />
      <Box padding="large" backgroundColor="secondary10" style={{ minHeight: "100vh" }}>
        <Flex justifyContent="space-between" alignItems="center" marginBottom="medium">
          <H1 marginBottom="none">Subscriptions</H1>
          <Text color="secondary60" marginBottom="none">
            Store {storeHash}
          </Text>
        </Flex>
        <Flex as="nav" flexGap="1.5rem" marginBottom="large" aria-label="Sections">
          {NAV.map(([label, target]) => (
            <Link key={label} href={href(target)} aria-current={current(route, target) ? "page" : undefined}>
              {current(route, target) ? <strong>{label}</strong> : label}
            </Link>
          ))}
        </Flex>
        <Screen route={route} />
      </Box>
    </ApiContext.Provider>
  );
}

function current(route: Route, target: Route): boolean {
  if (target.screen === "subscriptions") return route.screen === "subscriptions" || route.screen === "subscription";
  if (target.screen === "plans") return route.screen === "plans";
  if (target.screen === "webhooks") return route.screen === "webhooks" || route.screen === "deliveries";
  return route.screen === target.screen;
}

function filtersOf(route: Extract<Route, { screen: "subscriptions" }>): SubscriptionFilters {
  const { status, customer_id, product_id, renews_after, renews_before } = route;
  const all = { status, customer_id, product_id, renews_after, renews_before };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as SubscriptionFilters;
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case "dashboard":
      return <Dashboard />;
    case "onboarding":
      return <Onboarding />;
    case "subscriptions":
      return <Subscriptions filters={filtersOf(route)} />;
    case "subscription":
      return <SubscriptionPage id={route.id} />;
    case "ops":
      return <OpsQueueScreen queue={route.queue} />;
    case "settings":
      return <Settings />;
    case "custom_fields":
      return <CustomFieldSettings />;
    case "allotments":
      return <Allotments key={route.customer_id ?? 0} customerId={route.customer_id} />;
    case "webhooks":
      return <Webhooks />;
    case "deliveries":
      return <Deliveries endpointId={route.endpointId} />;
    case "plans":
      return <Plans productId={route.productId} />;
    case "not_found":
      return <Text>There is no such page. Go back to the <Link href="#/">dashboard</Link>.</Text>;
  }
}
