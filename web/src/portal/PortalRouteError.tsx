import { Box, Button, Stack, Text, Title } from '@mantine/core';
import { ACCENT } from './ui.tsx';

/**
 * Last resort when the portal itself fails to render (or its module failed to load): no staff links, a
 * way out. Kept apart from the portal so the route can show it without loading the portal.
 */
export function PortalRouteError() {
  return (
    <Box maw={560} mx="auto" px="md" py="xl">
      <Stack gap="md">
        <Title order={1} size="h2">
          Algo deu errado
        </Title>
        <Text>Não conseguimos mostrar esta página. Recarregue a página ou abra o link de novo.</Text>
        <Button size="lg" color={ACCENT} onClick={() => window.location.reload()}>
          Recarregar
        </Button>
      </Stack>
    </Box>
  );
}
