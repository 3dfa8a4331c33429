import { Button, Group, Menu, ScrollArea, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useRef } from 'react';
import type { TemplateVariableInfo } from '../../api/types.ts';

export interface TemplateInputProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  variables: Record<string, TemplateVariableInfo>;
  multiline?: boolean;
  disabled?: boolean;
  'data-testid'?: string;
}

/** A subject or body of a message, with a menu that inserts `{{variable}}` where the cursor is. */
export function TemplateInput({
  label,
  value,
  onChange,
  variables,
  multiline = false,
  disabled = false,
  'data-testid': testId,
}: TemplateInputProps) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  const insert = (name: string) => {
    const token = `{{${name}}}`;
    const el = ref.current;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    onChange(value.slice(0, start) + token + value.slice(end));
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const menu = (
    <Menu position="bottom-end" withinPortal shadow="md" width={340} disabled={disabled}>
      <Menu.Target>
        <Button
          variant="subtle"
          size="compact-xs"
          disabled={disabled}
          data-testid={testId && `${testId}-vars`}
        >
          Inserir variável
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <ScrollArea.Autosize mah={320}>
          {Object.entries(variables).map(([name, info]) => (
            <Menu.Item key={name} onClick={() => insert(name)}>
              <Text size="sm" ff="monospace">{`{{${name}}}`}</Text>
              <Text size="xs" c="dimmed">
                {info.description}
              </Text>
            </Menu.Item>
          ))}
        </ScrollArea.Autosize>
      </Menu.Dropdown>
    </Menu>
  );

  const input = multiline ? (
    <Textarea
      ref={ref}
      aria-label={label}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      autosize
      minRows={4}
      maxRows={14}
      readOnly={disabled}
      data-testid={testId}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
    />
  ) : (
    <TextInput
      ref={ref}
      aria-label={label}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      readOnly={disabled}
      data-testid={testId}
    />
  );

  return (
    <Stack gap={2}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        {!disabled && menu}
      </Group>
      {input}
    </Stack>
  );
}
