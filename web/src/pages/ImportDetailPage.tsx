import { Anchor, Breadcrumbs, Paper, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router-dom';
import { ImportResult } from '../components/ImportResult.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { parseId } from '../lib/params.ts';

export function ImportDetailPage() {
  const id = parseId(useParams().id);
  return (
    <Stack>
      <title>{id === null ? 'Importação · Régua' : `Importação #${id} · Régua`}</title>
      <Breadcrumbs>
        <Anchor component={Link} to="/imports">
          Importações
        </Anchor>
        <Text>{id === null ? 'Importação' : `Importação #${id}`}</Text>
      </Breadcrumbs>
      <Title order={2}>{id === null ? 'Importação' : `Importação #${id}`}</Title>
      {id === null ? (
        <ProblemAlert error={new Error('Identificador de importação inválido.')} />
      ) : (
        <Paper withBorder p="md">
          <ImportResult key={id} importId={id} />
        </Paper>
      )}
    </Stack>
  );
}
