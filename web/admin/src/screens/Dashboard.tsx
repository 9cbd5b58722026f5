// Counts that need the merchant's attention, each linking to its list.
import { Badge, Flex, Grid, Link, Panel, Text } from "@bigcommerce/big-design";
import type { AdminApi } from "../api/client";
import { STATUSES, type Onboarding, type Status, type UpcomingRenewals } from "../api/types";
import { Loaded } from "../components/States";
import { countLabel, money, statusVariant, statusWords } from "../format";
import { doneCount } from "../onboarding";
import { href, QUEUES, type Queue } from "../router";
import { useLoad } from "../useApi";

// One page of at most 100 is read per count: past that, "100+" is what matters.
const PAGE = 100;

export interface Count {
  count: number;
  more: boolean;
}

export interface DashboardData {
  byStatus: Record<Status, Count>;
  queues: Record<Queue, Count>;
  upcoming: UpcomingRenewals;
  // The checklist is a hint here: the dashboard still opens when it cannot be read.
  onboarding?: Onboarding;
}

export const QUEUE_WORDS: Record<Queue, string> = {
  "failed-charges": "Failed charges",
  "requires-action": "Requires action",
  "stuck-workflows": "Stuck workflows",
  "dead-letters": "Dead letters",
  "change-requests": "Change requests",
};

async function count(api: AdminApi, path: string, query: Record<string, string> = {}): Promise<Count> {
  const page = await api.get<{ items: unknown[]; next_cursor: string | null }>(path, { ...query, limit: PAGE });
  return { count: page.items.length, more: page.next_cursor !== null };
}

export async function readDashboard(api: AdminApi): Promise<DashboardData> {
  const statuses = await Promise.all(STATUSES.map((s) => count(api, "/admin/subscriptions", { status: s })));
  const queues = await Promise.all(QUEUES.map((q) => count(api, `/admin/ops/${q}`)));
  const [upcoming, onboarding] = await Promise.all([
    api.get<UpcomingRenewals>("/admin/renewals/upcoming", { days: 7 }),
    api.get<Onboarding>("/admin/onboarding").catch(() => undefined),
  ]);
  return {
    byStatus: Object.fromEntries(STATUSES.map((s, i) => [s, statuses[i]!])) as Record<Status, Count>,
    queues: Object.fromEntries(QUEUES.map((q, i) => [q, queues[i]!])) as Record<Queue, Count>,
    upcoming,
    onboarding,
  };
}

export function Dashboard() {
  const [load, reload] = useLoad(readDashboard, "dashboard");
  return (
    <div data-screen="dashboard">
      <Loaded load={load} what="the dashboard" retry={reload}>
        {(data) => <DashboardView data={data} />}
      </Loaded>
    </div>
  );
}

export function DashboardView({ data }: { data: DashboardData }) {
  const total = STATUSES.reduce((sum, s) => sum + data.byStatus[s].count, 0);
  const setup = data.onboarding;
  const due = data.upcoming;
  return (
    <>
      {setup && !setup.complete && (
        <Panel header="Finish setting up" data-panel="setup">
          <Text>
            {doneCount(setup.checks)} of {setup.checks.length} steps done.{" "}
            <Link href={href({ screen: "onboarding" })}>Open the checklist</Link>
          </Text>
        </Panel>
      )}
      <Panel header={`Renewals in the next ${due.days} days`} data-panel="upcoming">
        {due.count === 0 ? (
          <Text>No renewal is due in the next {due.days} days.</Text>
        ) : (
          <Text>
            <Link href={upcomingList(due.until)} aria-label={`Renewals due: ${countLabel(due.count, due.more)}`}>
              <strong>{countLabel(due.count, due.more)}</strong> renewal(s) due
            </Link>
            , for{" "}
            <strong>{due.totals.map((t) => money(String(t.amount), t.currency)).join(" + ")}</strong>
            {due.more ? " (at least)" : ""}.
          </Text>
        )}
      </Panel>
      <Panel header="Needs attention">
        <Grid gridColumns="repeat(4, 1fr)" gridGap="1rem">
          {QUEUES.map((q) => (
            <Tile key={q} label={QUEUE_WORDS[q]} value={data.queues[q]} to={href({ screen: "ops", queue: q })} alert />
          ))}
        </Grid>
      </Panel>
      <Panel header="Subscriptions by status">
        {total === 0 ? (
          <Text>
            No subscriptions yet. They appear here when shoppers buy a product that has a subscription plan.
          </Text>
        ) : (
          <Grid gridColumns="repeat(4, 1fr)" gridGap="1rem">
            {STATUSES.map((s) => (
              <Tile
                key={s}
                label={statusWords(s)}
                value={data.byStatus[s]}
                to={href({ screen: "subscriptions", status: s })}
                badge={statusVariant(s)}
              />
            ))}
          </Grid>
        )}
      </Panel>
    </>
  );
}

// The list of active subscriptions renewing before the window's end (whole UTC days, so the
// window's last day is included).
export function upcomingList(until: string): string {
  const end = new Date(until);
  if (Number.isNaN(end.getTime())) return href({ screen: "subscriptions", status: "active" });
  end.setUTCDate(end.getUTCDate() + 1);
  return href({ screen: "subscriptions", status: "active", renews_before: end.toISOString().slice(0, 10) });
}

function Tile({
  label,
  value,
  to,
  alert,
  badge,
}: {
  label: string;
  value: Count;
  to: string;
  alert?: boolean;
  badge?: ReturnType<typeof statusVariant>;
}) {
  const text = countLabel(value.count, value.more);
  return (
    <Flex flexDirection="column" data-tile={label}>
      <Text marginBottom="xSmall" color="secondary60">
        {label}
      </Text>
      <Link href={to} aria-label={`${label}: ${text}`}>
        {badge || (alert && value.count > 0) ? (
          <Badge label={text} variant={badge ?? "danger"} />
        ) : (
          <Text as="span" bold>
            {text}
          </Text>
        )}
      </Link>
    </Flex>
  );
}
