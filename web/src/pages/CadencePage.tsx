import {
  Anchor,
  Breadcrumbs,
  Button,
  Grid,
  Group,
  Paper,
  Stack,
  Tabs,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { endpoints, keys } from '../api/endpoints.ts';
import type { Cadence, CadenceVersionSummary } from '../api/types.ts';
import { CadenceEditor } from '../components/cadence/CadenceEditor.tsx';
import { ExperimentsPanel } from '../components/cadence/ExperimentsPanel.tsx';
import { SimulatorPanel } from '../components/cadence/SimulatorPanel.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { CadenceStatusBadge } from '../components/StatusBadge.tsx';
import { formatDateTime } from '../lib/format.ts';
import { actorLabel } from '../lib/labels.ts';
import { editSearchParams, parseId } from '../lib/params.ts';
import { canWriteCadences, useSession } from '../session.tsx';

/** The version shown when none is chosen: the active one, else the newest. */
function defaultVersion(cadences: Cadence[]): CadenceVersionSummary | undefined {
  const all = cadences.flatMap((c) => c.versions);
  return all.find((v) => v.status === 'active') ?? all[0];
}

function VersionList({
  cadences,
  selectedId,
  onSelect,
}: {
  cadences: Cadence[];
  selectedId: number | undefined;
  onSelect: (id: number) => void;
}) {
  const session = useSession();
  return (
    <Stack gap="sm" data-testid="cadence-versions">
      {cadences.map((cadence) => (
        <Paper key={cadence.id} withBorder p="xs">
          <Text fw={600} size="sm" mb={4}>
            {cadence.name}
          </Text>
          <Stack gap={4}>
            {cadence.versions.map((v) => (
              <UnstyledButton
                key={v.id}
                onClick={() => onSelect(v.id)}
                data-testid="cadence-version"
                data-version={v.version}
                data-status={v.status}
                aria-current={v.id === selectedId ? 'true' : undefined}
                p={6}
                style={{
                  borderRadius: 4,
                  background: v.id === selectedId ? 'var(--mantine-color-blue-0)' : undefined,
                  border: `1px solid ${v.id === selectedId ? 'var(--mantine-color-blue-3)' : 'transparent'}`,
                }}
              >
                <Group justify="space-between" wrap="nowrap" gap="xs">
                  <Text size="sm" fw={500}>
                    Versão {v.version}
                  </Text>
                  <CadenceStatusBadge status={v.status} />
                </Group>
                <Text size="xs" c="dimmed">
                  {formatDateTime(v.createdAt)} · {actorLabel(v.createdBy, session.user)}
                </Text>
                {v.note && (
                  <Text size="xs" lineClamp={2}>
                    {v.note}
                  </Text>
                )}
              </UnstyledButton>
            ))}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

function EditorArea({
  creditorId,
  cadences,
  summary,
  canWrite,
  onSelect,
}: {
  creditorId: number;
  cadences: Cadence[];
  summary: CadenceVersionSummary;
  canWrite: boolean;
  onSelect: (id: number) => void;
}) {
  const version = useQuery({
    queryKey: keys.cadenceVersion(summary.id),
    queryFn: () => endpoints.getCadenceVersion(summary.id),
  });
  const defaults = useQuery({
    queryKey: keys.cadenceDefaults,
    queryFn: endpoints.getCadenceDefaults,
    staleTime: Infinity,
  });

  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 3 }}>
        <VersionList cadences={cadences} selectedId={summary.id} onSelect={onSelect} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 9 }}>
        {(version.isPending || defaults.isPending) && <PageLoader />}
        {version.isError && <ProblemAlert error={version.error} />}
        {defaults.isError && (
          <ProblemAlert error={defaults.error} title="Não foi possível carregar as variáveis" />
        )}
        {version.data && defaults.data && (
          <CadenceEditor
            key={summary.id}
            creditorId={creditorId}
            summary={summary}
            version={version.data}
            variables={defaults.data.variables}
            canWrite={canWrite}
            onSaved={(saved) => onSelect(saved.id)}
          />
        )}
      </Grid.Col>
    </Grid>
  );
}

function NoCadence({ creditorId, canWrite }: { creditorId: number; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const [, setParams] = useSearchParams();
  const create = useMutation({
    mutationFn: () =>
      endpoints.createCadence(creditorId, { name: 'Régua padrão', note: 'Criada a partir da régua padrão' }),
    onSuccess: async (version) => {
      queryClient.setQueryData(keys.cadenceVersion(version.id), version);
      await queryClient.invalidateQueries({ queryKey: keys.cadences(creditorId) });
      editSearchParams(setParams, (next) => next.set('versao', String(version.id)));
    },
  });
  return (
    <Paper withBorder p="xl" data-testid="no-cadence">
      <Stack align="flex-start">
        <Title order={3}>Esta carteira ainda não tem régua</Title>
        <Text c="dimmed">
          A régua padrão traz lembrete antes do vencimento, SMS no dia, WhatsApp, e-mail e ligação depois, a
          carta de notificação prévia e, só depois do prazo legal, negativação (pessoa física) ou protesto
          (empresas). Ela é criada como rascunho: revise, ajuste e ative.
        </Text>
        {canWrite ? (
          <Button
            onClick={() => create.mutate()}
            loading={create.isPending}
            data-testid="create-default-cadence"
          >
            Criar régua padrão
          </Button>
        ) : (
          <Text size="sm">Peça a um gestor para criar a régua desta carteira.</Text>
        )}
        {create.isError && <ProblemAlert error={create.error} title="Não foi possível criar a régua" />}
      </Stack>
    </Paper>
  );
}

export function CadencePage() {
  const id = parseId(useParams().id);
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const creditor = useQuery({
    queryKey: keys.creditor(id ?? 0),
    queryFn: () => endpoints.getCreditor(id ?? 0),
    enabled: id !== null,
  });
  const cadences = useQuery({
    queryKey: keys.cadences(id ?? 0),
    queryFn: () => endpoints.listCadences(id ?? 0),
    enabled: id !== null,
  });

  if (id === null) return <ProblemAlert error={new Error('Identificador de carteira inválido.')} />;
  if (creditor.isPending || cadences.isPending) return <PageLoader />;
  if (creditor.isError) return <ProblemAlert error={creditor.error} />;
  if (cadences.isError) return <ProblemAlert error={cadences.error} />;

  const c = creditor.data;
  const list = cadences.data.items;
  const canWrite = canWriteCadences(session);
  const wanted = parseId(params.get('versao'));
  const summary = list.flatMap((x) => x.versions).find((v) => v.id === wanted) ?? defaultVersion(list);
  const tab = params.get('aba') ?? 'editor';
  const setTab = (value: string | null) =>
    editSearchParams(setParams, (next) => {
      if (!value || value === 'editor') next.delete('aba');
      else next.set('aba', value);
    });
  const select = (versionId: number) =>
    editSearchParams(setParams, (next) => next.set('versao', String(versionId)));

  return (
    <Stack>
      <title>{`Régua · ${c.legalName} · Régua`}</title>
      <Breadcrumbs>
        <Anchor component={Link} to="/">
          Carteiras
        </Anchor>
        <Anchor component={Link} to={`/creditors/${c.id}`}>
          {c.legalName}
        </Anchor>
        <Text>Régua de cobrança</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Régua de cobrança</Title>
          <Text c="dimmed">{c.tradeName ?? c.legalName}</Text>
        </div>
        <Button component={Link} to={`/plan?creditorId=${c.id}`} variant="default">
          Plano do dia desta carteira
        </Button>
      </Group>

      {list.length === 0 || !summary ? (
        <NoCadence creditorId={c.id} canWrite={canWrite} />
      ) : (
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="editor" data-testid="tab-editor">
              Régua
            </Tabs.Tab>
            <Tabs.Tab value="ab" data-testid="tab-experiments">
              Testes A/B
            </Tabs.Tab>
            <Tabs.Tab value="simulador" data-testid="tab-simulator">
              Simulador
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="editor">
            <EditorArea
              creditorId={c.id}
              cadences={list}
              summary={summary}
              canWrite={canWrite}
              onSelect={select}
            />
          </Tabs.Panel>
          <Tabs.Panel value="ab">
            <ExperimentsPanel creditorId={c.id} />
          </Tabs.Panel>
          <Tabs.Panel value="simulador" keepMounted>
            <SimulatorPanel creditorId={c.id} cadences={list} />
          </Tabs.Panel>
        </Tabs>
      )}
    </Stack>
  );
}
