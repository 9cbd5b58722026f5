// Shown instead of the app once its session is gone: never a blank frame.
import { Box, StatusMessage } from "@bigcommerce/big-design";

export function ReloadApp({ reason }: { reason: string }) {
  return (
    <Box padding="xxLarge" data-screen="reload">
      <StatusMessage
        size="page"
        variant="unauthorized"
        heading="Please reload the app"
        message={`Your session has ended (${reason || "expired"}). Open Subscriptions again from the Apps menu of your BigCommerce control panel.`}
      />
    </Box>
  );
}
