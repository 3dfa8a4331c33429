/**
 * Small pieces the portal's screens share. The portal is read on phones, often in the sun: text
 * stays dark (gray.7 at the lightest, never Mantine's "dimmed"), buttons are large and the accent is
 * a darker blue than the staff app's, so white text on it passes WCAG AA.
 */
import { Box, Button, Stack, Text, Textarea, Title } from '@mantine/core';
import { type ReactNode, type RefObject, useEffect, useId, useRef, useState } from 'react';
import { copyText } from '../lib/clipboard.ts';
import { formatCents } from '../lib/format.ts';

/** Filled buttons and links: blue.8 on white and white on blue.8 are both above 4.5:1. */
export const ACCENT = 'blue.8';
/**
 * The same blue for text-only buttons: Mantine's subtle variant caps a theme shade at 6 (3.5:1 on
 * white), a CSS colour is used as given.
 */
export const ACCENT_TEXT = 'var(--mantine-color-blue-8)';
/** Secondary text colour (about 8:1 on white). */
export const MUTED = 'gray.7';

/**
 * Moves focus to an element (a step's heading) when it is shown, or when `when` turns true, so screen
 * readers and keyboards follow the flow.
 */
export function useFocusOnMount<T extends HTMLElement>(when = true): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (when) ref.current?.focus();
  }, [when]);
  return ref;
}

/** A page section with its own heading (h2), labelled by it for landmarks navigation. */
export function Section({
  title,
  children,
  headingRef,
  testId,
}: {
  title: string;
  children: ReactNode;
  headingRef?: RefObject<HTMLHeadingElement | null>;
  testId?: string;
}) {
  const id = useId();
  return (
    <Box
      component="section"
      aria-labelledby={id}
      data-testid={testId}
      p="md"
      bg="white"
      style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
    >
      <Title order={2} size="h3" id={id} ref={headingRef} tabIndex={-1} mb="sm" style={{ outline: 'none' }}>
        {title}
      </Title>
      <Stack gap="sm">{children}</Stack>
    </Box>
  );
}

/**
 * An empty message region takes no room: inside a Stack its top margin cancels the gap before it, so
 * forms do not open holes where nothing is said (the region stays in the page, as live regions must).
 */
const collapsed = { marginTop: 'calc(-1 * var(--stack-gap, 0px))' };

/** A polite live region: what it says is read out when it changes (kept mounted so it always is). */
export function LiveMessage({
  message,
  tone = 'success',
  testId,
}: {
  message: string | null;
  tone?: 'success' | 'info';
  testId?: string;
}) {
  return (
    <Box role="status" aria-live="polite" data-testid={testId} style={message ? undefined : collapsed}>
      {message && (
        <Text
          fw={600}
          c={tone === 'success' ? 'green.9' : 'blue.9'}
          bg={tone === 'success' ? 'green.0' : 'blue.0'}
          p="sm"
          style={{ borderRadius: 6 }}
        >
          {message}
        </Text>
      )}
    </Box>
  );
}

/** An error said at once (role="alert"), in the server's own pt-BR words. */
export function ErrorMessage({ message, testId }: { message: string | null; testId?: string }) {
  return (
    <Box role="alert" data-testid={testId} style={message ? undefined : collapsed}>
      {message && (
        <Text fw={500} c="red.9" bg="red.0" p="sm" style={{ borderRadius: 6 }}>
          {message}
        </Text>
      )}
    </Box>
  );
}

/** A "copy" button that says, out loud too, whether it worked. */
export function CopyField({
  label,
  value,
  buttonLabel,
  testId,
}: {
  label: string;
  value: string;
  buttonLabel: string;
  testId?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <Stack gap={6} data-testid={testId}>
      <Textarea
        label={label}
        value={value}
        readOnly
        autosize
        minRows={2}
        maxRows={5}
        styles={{ input: { fontFamily: 'monospace', fontSize: 13, wordBreak: 'break-all' } }}
        onFocus={(event) => event.currentTarget.select()}
      />
      <Button
        size="lg"
        fullWidth
        color={state === 'copied' ? 'green.9' : ACCENT}
        onClick={async () => setState((await copyText(value)) ? 'copied' : 'failed')}
      >
        {state === 'copied' ? 'Copiado!' : buttonLabel}
      </Button>
      <Box role="status" aria-live="polite" style={state === 'idle' ? collapsed : undefined}>
        {state === 'copied' && (
          <Text size="sm" c="green.9">
            Copiado. Agora é só colar no app do seu banco.
          </Text>
        )}
        {state === 'failed' && (
          <Text size="sm" c="red.9">
            Não foi possível copiar. Toque no código acima, selecione tudo e copie.
          </Text>
        )}
      </Box>
    </Stack>
  );
}

/**
 * The QR code SVG our server made, shown as an image (an <img> never runs anything an SVG might
 * carry), with the copia-e-cola below it.
 */
export function PixPanel({
  copiaECola,
  qrSvg,
  amountCents,
}: {
  copiaECola: string;
  qrSvg: string | null;
  amountCents: number;
}) {
  return (
    <Stack gap="sm" data-testid="pix">
      <Text>
        Abra o app do seu banco, escolha <strong>Pix</strong> e leia o QR code ou use o código “copia e cola”.
        Valor: <strong>{formatCents(amountCents)}</strong>.
      </Text>
      {qrSvg && (
        <Box ta="center">
          <img
            src={`data:image/svg+xml;utf8,${encodeURIComponent(qrSvg)}`}
            alt={`QR code do Pix de ${formatCents(amountCents)}`}
            width={220}
            height={220}
            style={{ maxWidth: '100%', height: 'auto', background: '#fff' }}
            data-testid="pix-qr"
          />
        </Box>
      )}
      <CopyField
        label="Código Pix copia e cola"
        value={copiaECola}
        buttonLabel="Copiar código Pix"
        testId="pix-code"
      />
    </Stack>
  );
}
