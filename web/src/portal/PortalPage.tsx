/**
 * The debtor portal (`/p/:token`): public, outside the staff session, with its own minimal layout and
 * its own query client (the staff one sends every 401 to /login). The signed link opens the door; the
 * debtor confirms their CPF/CNPJ and a one-time code, then sees what they owe, explained, with Pix,
 * the offers, their agreements, and can promise, ask for help, opt out and leave.
 */
import { Box, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import {
  QueryClient,
  QueryClientProvider,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { formatCnpj } from '../lib/format.ts';
import { Account } from './Account.tsx';
import { isStatus, type PortalLink, type PortalMe, portalApi, portalMessage } from './api.ts';
import { SignIn } from './SignIn.tsx';
import { ACCENT, ErrorMessage, MUTED } from './ui.tsx';

const portalQueryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: false, staleTime: 0, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});

const ME = ['portal', 'me'] as const;
const linkKey = (token: string) => ['portal', 'link', token] as const;

function Frame({
  creditorName,
  me,
  onLeave,
  leaving,
  children,
}: {
  creditorName: string | null;
  me: PortalMe | null;
  onLeave: (() => void) | null;
  leaving: boolean;
  children: ReactNode;
}) {
  return (
    <Box bg="gray.0" mih="100vh" style={{ display: 'flex', flexDirection: 'column' }}>
      <title>{creditorName ? `${creditorName} · Portal de pagamento` : 'Portal de pagamento'}</title>
      <Box component="header" bg="blue.9" px="md" py="sm">
        <Group justify="space-between" maw={560} mx="auto" wrap="nowrap" gap="sm">
          <Box style={{ minWidth: 0 }}>
            <Text fw={700} c="white" truncate="end" data-testid="portal-brand">
              {creditorName ?? 'Portal de pagamento'}
            </Text>
            {creditorName && (
              <Text size="sm" c="blue.0">
                Portal de pagamento
              </Text>
            )}
          </Box>
          {onLeave && (
            <Button variant="white" color={ACCENT} size="md" onClick={onLeave} loading={leaving}>
              Sair
            </Button>
          )}
        </Group>
      </Box>
      <Box component="main" maw={560} w="100%" mx="auto" px="md" py="lg" style={{ flex: 1 }}>
        {children}
      </Box>
      <Box
        component="footer"
        px="md"
        py="md"
        bg="white"
        style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}
      >
        <Stack gap={4} maw={560} mx="auto">
          {me ? (
            <Text size="sm" c={MUTED}>
              Cobrança de {me.debtor.creditorName}, CNPJ {formatCnpj(me.debtor.creditorCnpj)}.
            </Text>
          ) : (
            creditorName && (
              <Text size="sm" c={MUTED}>
                Cobrança de {creditorName}.
              </Text>
            )
          )}
          <Text size="sm" c={MUTED}>
            Nunca pedimos a senha do seu banco. Pague só pelo Pix ou boleto mostrados aqui.
          </Text>
        </Stack>
      </Box>
    </Box>
  );
}

function Loading() {
  return (
    <Center py="xl">
      <Loader aria-label="Carregando" color={ACCENT} />
    </Center>
  );
}

/** An invalid or expired link: the server's pt-BR words, and what to do next. */
function LinkProblem({ error }: { error: unknown }) {
  const expired = isStatus(error, 410);
  const invalid = isStatus(error, 404);
  return (
    <Stack gap="md" data-testid="portal-link-problem">
      <Title order={1} size="h2">
        {expired ? 'Este link expirou' : invalid ? 'Link inválido' : 'Não foi possível abrir o portal'}
      </Title>
      <ErrorMessage message={portalMessage(error)} />
      {expired && (
        <Text>
          Por segurança, os links de pagamento valem por alguns dias. É só responder à mensagem em que você
          recebeu este link pedindo um novo: a gente envia outro.
        </Text>
      )}
      {invalid && (
        <Text>
          Confira se o endereço foi copiado inteiro. Se o problema continuar, responda à mensagem que você
          recebeu pedindo um novo link.
        </Text>
      )}
    </Stack>
  );
}

/** Someone else's session on this device (opened by another link): it is not shown for this one. */
function sameDebtor(me: PortalMe, link: PortalLink): boolean {
  return me.debtor.firstName === link.debtorFirstName && me.debtor.creditorName === link.creditorName;
}

function Portal({ token }: { token: string }) {
  const queryClient = useQueryClient();
  const link = useQuery({ queryKey: linkKey(token), queryFn: () => portalApi.link(token) });
  // null: signed in or finding out (a session cookie from a minute ago still works); else why not.
  const [signedOut, setSignedOut] = useState<{ notice: string | null } | null>(null);
  const me = useQuery({
    queryKey: ME,
    queryFn: portalApi.me,
    enabled: link.isSuccess && signedOut === null,
    // Back from the bank's app: show what was paid.
    refetchOnWindowFocus: true,
  });

  const endSession = (notice: string | null) => {
    setSignedOut({ notice });
    queryClient.removeQueries({ queryKey: ME });
    void queryClient.invalidateQueries({ queryKey: linkKey(token) });
  };

  useEffect(() => {
    if (signedOut !== null) return;
    if (isStatus(me.error, 401)) {
      // Said only when a session the debtor was using ended, not on a first visit.
      setSignedOut({ notice: me.data ? portalMessage(me.error) : null });
      queryClient.removeQueries({ queryKey: ME });
    } else if (me.data && link.data && !sameDebtor(me.data, link.data)) {
      setSignedOut({ notice: null });
      queryClient.removeQueries({ queryKey: ME });
    }
  }, [me.error, me.data, link.data, signedOut, queryClient]);

  const leave = useMutation({
    mutationFn: portalApi.leave,
    onSettled: () => endSession('Você saiu do portal. Para voltar, abra o mesmo link e peça um novo código.'),
  });

  const creditorName = me.data?.debtor.creditorName ?? link.data?.creditorName ?? null;
  const signedIn = signedOut === null && me.data !== undefined;
  let content: ReactNode;
  if (link.isPending) content = <Loading />;
  else if (link.isError) content = <LinkProblem error={link.error} />;
  else if (signedOut !== null)
    content = (
      <SignIn
        token={token}
        link={link.data}
        notice={signedOut.notice}
        onSignedIn={() => setSignedOut(null)}
      />
    );
  else if (me.data)
    content = (
      <Account
        me={me.data}
        onReload={() => void me.refetch()}
        onSessionOver={(detail) => endSession(detail)}
      />
    );
  else if (me.isError && !isStatus(me.error, 401))
    content = (
      <Stack gap="md">
        <ErrorMessage message={portalMessage(me.error)} />
        <Button size="lg" color={ACCENT} onClick={() => void me.refetch()}>
          Tentar de novo
        </Button>
      </Stack>
    );
  else content = <Loading />;

  return (
    <Frame
      creditorName={creditorName}
      me={signedIn ? (me.data ?? null) : null}
      onLeave={signedIn ? () => leave.mutate() : null}
      leaving={leave.isPending}
    >
      {content}
    </Frame>
  );
}

export function PortalPage() {
  const token = useParams().token ?? '';
  return (
    <QueryClientProvider client={portalQueryClient}>
      <Portal key={token} token={token} />
    </QueryClientProvider>
  );
}
