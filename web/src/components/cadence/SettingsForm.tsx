import { Checkbox, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { CadenceSettings, ContactHours, DefinitionProblem } from '../../api/types.ts';
import { problemsUnder } from '../../lib/cadence.ts';
import { IntInput } from '../IntInput.tsx';
import { MoneyInput } from '../MoneyInput.tsx';

const DAYS: { key: keyof CadenceSettings['contactWindow']; label: string }[] = [
  { key: 'weekdays', label: 'Segunda a sexta' },
  { key: 'saturday', label: 'Sábado' },
  { key: 'sunday', label: 'Domingo' },
];

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** "HH:MM" typed as digits (24 h, whatever the browser's language); only a complete time is applied. */
function TimeField({
  label,
  value,
  disabled,
  error,
  onChange,
}: {
  label: string;
  value: string;
  disabled: boolean;
  error: boolean;
  onChange: (value: string) => void;
}) {
  const [text, setText] = useState(value);
  const [last, setLast] = useState(value);
  if (value !== last) {
    setLast(value);
    setText(value);
  }
  return (
    <TextInput
      aria-label={label}
      w={80}
      placeholder="hh:mm"
      inputMode="numeric"
      maxLength={5}
      value={text}
      disabled={disabled}
      error={error || (text.length === 5 && !HH_MM.test(text))}
      onChange={(event) => {
        const digits = event.currentTarget.value.replace(/\D/g, '').slice(0, 4);
        const next = digits.length > 2 ? `${digits.slice(0, 2)}:${digits.slice(2)}` : digits;
        setText(next);
        if (HH_MM.test(next) && next !== value) {
          setLast(next);
          onChange(next);
        }
      }}
      onBlur={() => setText(value)}
    />
  );
}

function HoursRow({
  label,
  hours,
  disabled,
  error,
  onChange,
}: {
  label: string;
  hours: ContactHours | null;
  disabled: boolean;
  error: boolean;
  onChange: (hours: ContactHours | null) => void;
}) {
  return (
    <Group gap="sm" wrap="nowrap" align="center">
      <Checkbox
        w={150}
        label={label}
        checked={hours !== null}
        disabled={disabled}
        onChange={(event) => onChange(event.currentTarget.checked ? { start: '08:00', end: '20:00' } : null)}
      />
      <TimeField
        label={`${label}: início`}
        value={hours?.start ?? ''}
        disabled={disabled || hours === null}
        error={error}
        onChange={(start) => hours && onChange({ ...hours, start })}
      />
      <Text size="sm">às</Text>
      <TimeField
        label={`${label}: fim`}
        value={hours?.end ?? ''}
        disabled={disabled || hours === null}
        error={error}
        onChange={(end) => hours && onChange({ ...hours, end })}
      />
    </Group>
  );
}

export interface SettingsFormProps {
  settings: CadenceSettings;
  problems: DefinitionProblem[];
  readOnly: boolean;
  onChange: (settings: CadenceSettings) => void;
}

/** Contact hours, the frequency cap and the legal gate of negativação and protest. */
export function SettingsForm({ settings, problems, readOnly, onChange }: SettingsFormProps) {
  const mine = problemsUnder(problems, 'settings');
  const has = (prefix: string) => problemsUnder(mine, prefix).length > 0;
  const { contactWindow, frequencyCap, legal } = settings;

  return (
    <Paper withBorder p="md" data-testid="cadence-settings">
      <Stack gap="md">
        <Title order={4}>Configurações gerais</Title>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
          <Stack gap="xs">
            <Text size="sm" fw={600}>
              Horário de contato
            </Text>
            <Text size="xs" c="dimmed">
              E-mail, SMS e WhatsApp só saem nesses horários (hora do devedor). Em feriados, nunca.
            </Text>
            {DAYS.map(({ key, label }) => (
              <HoursRow
                key={key}
                label={label}
                hours={contactWindow[key]}
                disabled={readOnly}
                error={has('settings.contactWindow')}
                onChange={(hours) =>
                  onChange({ ...settings, contactWindow: { ...contactWindow, [key]: hours } })
                }
              />
            ))}
          </Stack>
          <Stack gap="lg">
            <Stack gap="xs">
              <Text size="sm" fw={600}>
                Limite de contatos
              </Text>
              <Text size="xs" c="dimmed">
                No máximo tantos contatos por devedor, somando os canais, em qualquer período de tantos dias.
              </Text>
              <Group grow>
                <IntInput
                  label="Contatos"
                  value={frequencyCap.contacts}
                  min={1}
                  max={50}
                  disabled={readOnly}
                  error={has('settings.frequencyCap')}
                  onChange={(value) =>
                    onChange({
                      ...settings,
                      frequencyCap: { ...frequencyCap, contacts: value ?? frequencyCap.contacts },
                    })
                  }
                  data-testid="settings-cap-contacts"
                />
                <IntInput
                  label="Em dias"
                  value={frequencyCap.days}
                  min={1}
                  max={60}
                  disabled={readOnly}
                  error={has('settings.frequencyCap')}
                  onChange={(value) =>
                    onChange({
                      ...settings,
                      frequencyCap: { ...frequencyCap, days: value ?? frequencyCap.days },
                    })
                  }
                />
              </Group>
            </Stack>
            <Stack gap="xs">
              <Text size="sm" fw={600}>
                Negativação e protesto
              </Text>
              <Text size="xs" c="dimmed">
                Só depois da carta de notificação prévia (CDC art. 43, § 2º) e dentro destes limites.
              </Text>
              <SimpleGrid cols={2}>
                <IntInput
                  label="Prazo da notificação (dias)"
                  value={legal.noticeDays}
                  min={0}
                  max={365}
                  disabled={readOnly}
                  error={has('settings.legal.noticeDays')}
                  onChange={(value) =>
                    onChange({ ...settings, legal: { ...legal, noticeDays: value ?? legal.noticeDays } })
                  }
                  data-testid="settings-notice-days"
                />
                <IntInput
                  label="Atraso mínimo (dias)"
                  value={legal.minDaysLate}
                  min={0}
                  max={3650}
                  disabled={readOnly}
                  error={has('settings.legal.minDaysLate')}
                  onChange={(value) =>
                    onChange({ ...settings, legal: { ...legal, minDaysLate: value ?? legal.minDaysLate } })
                  }
                />
              </SimpleGrid>
              <MoneyInput
                label="Valor mínimo"
                value={legal.minAmountCents}
                disabled={readOnly}
                error={has('settings.legal.minAmountCents')}
                onChange={(cents) =>
                  onChange({ ...settings, legal: { ...legal, minAmountCents: cents ?? 0 } })
                }
                data-testid="settings-min-amount"
              />
            </Stack>
          </Stack>
        </SimpleGrid>
        {mine.length > 0 && (
          <Stack gap={2} data-testid="settings-problems">
            {mine.map((p) => (
              <Text key={`${p.path}-${p.message}`} size="sm" c="red.7">
                {p.message}
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
