import { NumberInput, type NumberInputProps } from '@mantine/core';
import { useState } from 'react';

export interface IntInputProps extends Omit<NumberInputProps, 'value' | 'onChange' | 'onBlur'> {
  value: number | undefined;
  /** Called with each complete integer typed, and with undefined when cleared (if `optional`). */
  onChange: (value: number | undefined) => void;
  optional?: boolean;
}

/**
 * An integer field that lets the text be empty or just "-" while typing (a plain controlled
 * NumberInput would snap back to the last number) and shows the applied value again on blur.
 */
export function IntInput({ value, onChange, optional = false, ...props }: IntInputProps) {
  const [text, setText] = useState<string | number>(value ?? '');
  const [last, setLast] = useState(value);
  if (value !== last) {
    setLast(value);
    setText(value ?? '');
  }
  return (
    <NumberInput
      {...props}
      allowDecimal={false}
      value={text}
      onChange={(next) => {
        setText(next);
        if (typeof next === 'number' && Number.isInteger(next)) {
          if (next !== value) {
            setLast(next);
            onChange(next);
          }
        } else if (optional && next === '' && value !== undefined) {
          setLast(undefined);
          onChange(undefined);
        }
      }}
      onBlur={() => setText(value ?? '')}
    />
  );
}
