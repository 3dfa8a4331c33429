import { TextInput } from '@mantine/core';
import { useState } from 'react';

/** 'YYYY-MM-DD' → 'dd/mm/aaaa' (string only, no Date). */
function isoToBr(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : '';
}

/** 'dd/mm/aaaa' → 'YYYY-MM-DD' when it is a real calendar date, else null. */
export function brToIso(text: string): string | null {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!match) return null;
  const [, dd = '', mm = '', yyyy = ''] = match;
  const day = Number(dd);
  const month = Number(mm);
  const year = Number(yyyy);
  if (month < 1 || month > 12 || day < 1 || year < 1900) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${yyyy}-${mm}-${dd}`;
}

/** The filter value a text stands for: an incomplete or invalid date filters nothing. */
function represented(text: string): string {
  return brToIso(text) ?? '';
}

/** Digits typed → "dd/mm/aaaa" with the slashes inserted. */
function mask(text: string): string {
  const digits = text.replace(/\D/g, '').slice(0, 8);
  if (digits.length <= 2) return digits;
  if (digits.length <= 4) return `${digits.slice(0, 2)}/${digits.slice(2)}`;
  return `${digits.slice(0, 2)}/${digits.slice(2, 4)}/${digits.slice(4)}`;
}

export interface DateFieldProps {
  label: string;
  /** 'YYYY-MM-DD' or '' */
  value: string;
  onChange: (iso: string) => void;
  'data-testid'?: string;
}

/**
 * Date input that always reads and writes dd/mm/aaaa, whatever the browser's language
 * (a native <input type="date"> follows the browser locale).
 */
export function DateField({ label, value, onChange, 'data-testid': testId }: DateFieldProps) {
  const [text, setText] = useState(isoToBr(value));
  const [lastValue, setLastValue] = useState(value);
  // Follow outside changes (e.g. "Limpar filtros") without an effect.
  if (value !== lastValue) {
    setLastValue(value);
    if (represented(text) !== value) setText(isoToBr(value));
  }
  const invalid = text.length === 10 && brToIso(text) === null;

  return (
    <TextInput
      label={label}
      placeholder="dd/mm/aaaa"
      inputMode="numeric"
      maxLength={10}
      value={text}
      data-testid={testId}
      error={invalid ? 'Data inválida' : undefined}
      onChange={(event) => {
        const next = mask(event.currentTarget.value);
        setText(next);
        const iso = represented(next);
        if (iso !== value) onChange(iso);
      }}
      onBlur={() => {
        // An incomplete date filters nothing: show what is actually applied.
        if (text.length < 10) setText(isoToBr(value));
      }}
    />
  );
}
