import { TextInput } from '@mantine/core';

export const TOTP_CODE_LENGTH = 6;

/** The 6-digit code from an authenticator app: digits only, numeric keyboard, one-time-code autofill. */
export function TotpCodeInput({
  value,
  onChange,
  autoFocus,
  disabled,
  'data-testid': testId,
}: {
  value: string;
  onChange: (code: string) => void;
  autoFocus?: boolean;
  disabled?: boolean;
  'data-testid'?: string;
}) {
  return (
    <TextInput
      label="Código de verificação"
      description="6 dígitos, do seu aplicativo autenticador"
      placeholder="000000"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      required
      autoFocus={autoFocus}
      disabled={disabled}
      data-testid={testId}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value.replace(/\D/g, '').slice(0, TOTP_CODE_LENGTH))}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: '0.3em' } }}
    />
  );
}
