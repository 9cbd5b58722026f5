// Right after install: what the store still needs before subscriptions run as the merchant expects.
import { Badge, Flex, Link, Panel, Text } from "@bigcommerce/big-design";
import type { Check, Onboarding as OnboardingData } from "../api/types";
import { Empty, Loaded } from "../components/States";
import { checkWords, doneCount } from "../onboarding";
import { useLoad } from "../useApi";

const STATE_BADGE: Record<Check["state"], { label: string; variant: "success" | "danger" | "warning" | "secondary" }> = {
  done: { label: "Done", variant: "success" },
  todo: { label: "To do", variant: "danger" },
  warning: { label: "Check", variant: "warning" },
  unknown: { label: "Not yet known", variant: "secondary" },
};

export function Onboarding() {
  const [load, reload] = useLoad((api) => api.get<OnboardingData>("/admin/onboarding"), "onboarding");
  return (
    <Panel header="Get started" data-screen="onboarding">
      <Loaded load={load} what="the checklist" retry={reload}>
        {(data) =>
          data.checks.length === 0 ? (
            <Empty heading="Nothing to check" message="The checklist is empty." />
          ) : (
            <Checklist data={data} />
          )
        }
      </Loaded>
    </Panel>
  );
}

export function Checklist({ data }: { data: OnboardingData }) {
  return (
    <>
      <Text>
        {data.complete
          ? "Everything needed is in place. Items marked Check are worth a look."
          : `${doneCount(data.checks)} of ${data.checks.length} done. Finish the items marked To do.`}
      </Text>
      {data.checks.map((check) => {
        const words = checkWords(check);
        const badge = STATE_BADGE[check.state];
        return (
          <Flex key={check.key} data-check={check.key} data-state={check.state} flexDirection="column" marginBottom="medium">
            <Flex alignItems="center" flexGap="0.5rem">
              <Badge label={badge.label} variant={badge.variant} />
              <Text bold marginBottom="none">
                {words.title}
              </Text>
            </Flex>
            <Text marginBottom="none">
              {words.text} {words.fix && <Link href={words.fix.to}>{words.fix.label}</Link>}
            </Text>
          </Flex>
        );
      })}
    </>
  );
}
