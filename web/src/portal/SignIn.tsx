import { Button, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { channelLabel } from '../lib/labels.ts';
import { type CodeSent, type PortalLink, portalApi, portalMessage } from './api.ts';
import { documentComplete, maskDocument } from './document.ts';
import { ACCENT, ACCENT_TEXT, ErrorMessage, LiveMessage, MUTED, Section, useFocusOnMount } from './ui.tsx';

const CODE_LENGTH = 6;

function untilTime(iso: string): string | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat('pt-BR', { hour: '2-digit', minute: '2-digit' }).format(date);
}

/** Step 1: where the one-time code goes (one of the contacts the creditor already has, masked). */
function ChooseContact({
  token,
  link,
  focus,
  onSent,
}: {
  token: string;
  link: PortalLink;
  /** Back from the code step: the heading takes the focus. */
  focus: boolean;
  onSent: (sent: CodeSent) => void;
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>(focus);
  const [contactId, setContactId] = useState(link.contacts[0]?.id ?? '');
  const send = useMutation({
    mutationFn: (id: string) => portalApi.sendCode(token, id),
    onSuccess: onSent,
  });
  if (link.contacts.length === 0) {
    return (
      <Section title="Confirme que é você">
        <Text>
          Não encontramos um e-mail ou celular seu para enviar o código de acesso. Fale com{' '}
          {link.creditorName} respondendo à mensagem que você recebeu.
        </Text>
      </Section>
    );
  }
  return (
    <Section title="Confirme que é você" headingRef={headingRef}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (contactId) send.mutate(contactId);
        }}
      >
        <Stack gap="md">
          <Text>
            Para proteger seus dados, vamos enviar um código de acesso para um contato que já temos.
          </Text>
          <Radio.Group
            label="Onde você quer receber o código?"
            value={contactId}
            onChange={setContactId}
            size="md"
            styles={{ label: { fontWeight: 600, marginBottom: 8 } }}
          >
            <Stack gap="xs">
              {link.contacts.map((contact) => (
                <Radio
                  key={contact.id}
                  value={contact.id}
                  size="md"
                  label={`${channelLabel(contact.channel)}: ${contact.masked}`}
                  // The whole card is the target: the label (a real <label>) fills it.
                  styles={{
                    root: { border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8 },
                    body: { alignItems: 'center' },
                    inner: { marginLeft: 12 },
                    labelWrapper: { flex: 1 },
                    label: { display: 'block', padding: '14px 12px', cursor: 'pointer' },
                  }}
                />
              ))}
            </Stack>
          </Radio.Group>
          <ErrorMessage
            message={send.isError ? portalMessage(send.error) : null}
            testId="portal-code-error"
          />
          <Button type="submit" size="lg" fullWidth color={ACCENT} loading={send.isPending}>
            Enviar código
          </Button>
        </Stack>
      </form>
    </Section>
  );
}

/** Step 2: the CPF/CNPJ and the code that was sent. */
function EnterCode({
  token,
  link,
  sent,
  onBack,
  onSignedIn,
}: {
  token: string;
  link: PortalLink;
  sent: CodeSent;
  onBack: () => void;
  onSignedIn: () => void;
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const [document, setDocument] = useState('');
  const [code, setCode] = useState('');
  const [tried, setTried] = useState(false);
  const verify = useMutation({
    mutationFn: () => portalApi.verify(token, { checkId: sent.checkId, document, code }),
    onSuccess: onSignedIn,
  });
  const kind = link.documentKind;
  const documentName = kind === 'cpf' ? 'CPF' : 'CNPJ';
  const documentError =
    tried && !documentComplete(document, kind) ? `Digite o ${documentName} completo.` : undefined;
  const codeError = tried && code.length !== CODE_LENGTH ? `O código tem ${CODE_LENGTH} números.` : undefined;
  const until = untilTime(sent.expiresAt);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!documentComplete(document, kind) || code.length !== CODE_LENGTH) return;
    verify.mutate();
  };

  return (
    <Section title="Digite o código" headingRef={headingRef}>
      <LiveMessage
        tone="info"
        message={`Enviamos um código para ${sent.sentTo}.${until ? ` Ele vale até ${until}.` : ''}`}
        testId="portal-code-sent"
      />
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label={kind === 'cpf' ? 'Seu CPF' : 'CNPJ da empresa'}
            description={
              kind === 'cpf'
                ? 'Só os números: os pontos e o traço entram sozinhos.'
                : 'Números e letras: a pontuação entra sozinha.'
            }
            placeholder={kind === 'cpf' ? '000.000.000-00' : '00.000.000/0000-00'}
            value={document}
            onChange={(event) => setDocument(maskDocument(event.currentTarget.value, kind))}
            inputMode={kind === 'cpf' ? 'numeric' : 'text'}
            autoCapitalize={kind === 'cpf' ? 'off' : 'characters'}
            autoComplete="off"
            spellCheck={false}
            size="md"
            required
            error={documentError}
            styles={{ description: { color: 'var(--mantine-color-gray-7)' } }}
          />
          <TextInput
            label="Código de 6 números"
            value={code}
            onChange={(event) => setCode(event.currentTarget.value.replace(/\D/g, '').slice(0, CODE_LENGTH))}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={CODE_LENGTH}
            size="md"
            required
            error={codeError}
            styles={{ input: { letterSpacing: '0.3em', fontSize: 20 } }}
          />
          <ErrorMessage
            message={verify.isError ? portalMessage(verify.error) : null}
            testId="portal-verify-error"
          />
          <Button type="submit" size="lg" fullWidth color={ACCENT} loading={verify.isPending}>
            Entrar
          </Button>
          <Button variant="subtle" size="md" color={ACCENT_TEXT} onClick={onBack}>
            Não recebi o código
          </Button>
        </Stack>
      </form>
    </Section>
  );
}

/**
 * Before the debtor sees anything: the link says whom it is for, a one-time code goes to a contact
 * the creditor already has, and the debtor types their CPF/CNPJ and the code.
 */
export function SignIn({
  token,
  link,
  notice,
  onSignedIn,
}: {
  token: string;
  link: PortalLink;
  /** Why the debtor is here again (the session ended, they left), said at the top. */
  notice: string | null;
  onSignedIn: () => void;
}) {
  const [sent, setSent] = useState<CodeSent | null>(null);
  const [back, setBack] = useState(false);
  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Title order={1} size="h2">
          Olá, {link.debtorFirstName}!
        </Title>
        <Text c={MUTED}>
          Aqui você consulta o que está em aberto com <strong>{link.creditorName}</strong> e encontra a melhor
          forma de pagar.
        </Text>
      </Stack>
      <LiveMessage tone="info" message={notice} testId="portal-notice" />
      {sent ? (
        <EnterCode
          key={sent.checkId}
          token={token}
          link={link}
          sent={sent}
          onBack={() => {
            setBack(true);
            setSent(null);
          }}
          onSignedIn={onSignedIn}
        />
      ) : (
        <ChooseContact token={token} link={link} focus={back} onSent={setSent} />
      )}
    </Stack>
  );
}
