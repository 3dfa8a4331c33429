import { Button, type ButtonProps, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { apiDownload, buildUrl, saveFile } from '../api/client.ts';
import { problemMessage } from './ProblemAlert.tsx';

export type CsvExportQuery = Parameters<typeof buildUrl>[1];

export interface CsvExportButtonProps {
  /** The export route, e.g. `/api/v1/receivables/export.csv`. */
  path: string;
  /** The view's current filters, exactly as its list request sends them (undefined/empty are left out). */
  query?: CsvExportQuery;
  /** Name to save under when the server sends none. */
  filename: string;
  label?: string;
  disabled?: boolean;
  size?: ButtonProps['size'];
  'data-testid'?: string;
}

/**
 * "Exportar CSV": downloads every row of the view with its current filters (the server streams all
 * pages, not only the ones on screen) with the session cookie, then hands the file to the browser.
 * Errors (no permission, a bad filter, the connection lost mid-file) are shown in pt-BR under the
 * button; an incomplete transfer is never saved.
 */
export function CsvExportButton({
  path,
  query,
  filename,
  label = 'Exportar CSV',
  disabled,
  size = 'xs',
  'data-testid': testId = 'csv-export',
}: CsvExportButtonProps) {
  const download = useMutation({
    mutationFn: async () => {
      const file = await apiDownload(buildUrl(path, query), filename);
      saveFile(file);
      return file.filename;
    },
  });
  return (
    <Stack gap={2} align="flex-end">
      <Button
        variant="default"
        size={size}
        loading={download.isPending}
        disabled={disabled}
        onClick={() => download.mutate()}
        data-testid={testId}
      >
        {label}
      </Button>
      {download.isError && (
        <Text size="xs" c="red" role="alert" data-testid={`${testId}-error`}>
          Não foi possível exportar: {problemMessage(download.error)}
        </Text>
      )}
    </Stack>
  );
}
