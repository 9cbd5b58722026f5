// The three states every screen has besides its content: loading, empty and failed.
import { Button, Message, ProgressCircle, StatusMessage, Flex } from "@bigcommerce/big-design";
import type { ReactNode } from "react";
import { ApiError, describeError } from "../api/errors";
import type { Load } from "../useApi";

export function Loading({ what }: { what: string }) {
  return (
    <Flex justifyContent="center" padding="xLarge" role="status" aria-label={`Loading ${what}`}>
      <ProgressCircle size="large" />
    </Flex>
  );
}

export function Empty({ heading, message }: { heading: string; message: string }) {
  return <StatusMessage size="panel" heading={heading} message={message} />;
}

export function Failed({ error, retry }: { error: unknown; retry?: () => void }) {
  const code = error instanceof ApiError ? error.code : "server_error";
  return (
    <div data-error-code={code}>
      <Message
        type="error"
        header="That did not work"
        messages={[{ text: `${describeError(error)} (${code})` }]}
        marginBottom="medium"
      />
      {retry && (
        <Button variant="secondary" onClick={retry}>
          Try again
        </Button>
      )}
    </div>
  );
}

export function Loaded<T>({
  load,
  what,
  retry,
  children,
}: {
  load: Load<T>;
  what: string;
  retry: () => void;
  children: (data: T) => ReactNode;
}) {
  if (load.state === "loading") return <Loading what={what} />;
  if (load.state === "error") return <Failed error={load.error} retry={retry} />;
  return <>{children(load.data)}</>;
}
