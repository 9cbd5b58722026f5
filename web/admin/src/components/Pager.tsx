import { Button, Flex, Text } from "@bigcommerce/big-design";
import { next, previous, type Pages } from "../paging";

export function Pager({
  pages,
  nextCursor,
  onChange,
}: {
  pages: Pages;
  nextCursor: string | null;
  onChange: (pages: Pages) => void;
}) {
  return (
    <Flex alignItems="center" flexGap="1rem" marginTop="medium">
      <Button variant="secondary" disabled={pages.index === 0} onClick={() => onChange(previous(pages))}>
        Previous
      </Button>
      <Text marginBottom="none">Page {pages.index + 1}</Text>
      <Button variant="secondary" disabled={nextCursor === null} onClick={() => onChange(next(pages, nextCursor))}>
        Next
      </Button>
    </Flex>
  );
}
