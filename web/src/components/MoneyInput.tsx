import { NumberInput } from '@mantine/core';
import type { ReactNode } from 'react';

export interface MoneyInputProps {
  label: ReactNode;
  /** Integer centavos; undefined = empty. */
  value: number | undefined;
  onChange: (cents: number | undefined) => void;
  description?: ReactNode;
  error?: ReactNode;
  disabled?: boolean;
  'data-testid'?: string;
}

/** An amount typed in reais ("1.234,56"), read and written as integer centavos. */
export function MoneyInput({
  label,
  value,
  onChange,
  description,
  error,
  disabled,
  'data-testid': testId,
}: MoneyInputProps) {
  return (
    <NumberInput
      label={label}
      description={description}
      error={error}
      disabled={disabled}
      data-testid={testId}
      prefix="R$ "
      decimalSeparator=","
      thousandSeparator="."
      decimalScale={2}
      fixedDecimalScale
      min={0}
      allowNegative={false}
      // Display only: reais as a float are converted back to integer centavos right away.
      value={value === undefined ? '' : value / 100}
      onChange={(next) => {
        if (next === '' || next === null) onChange(undefined);
        else onChange(Math.round(Number(next) * 100));
      }}
    />
  );
}
