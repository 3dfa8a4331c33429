import { Badge } from '@mantine/core';
import type { ImportStatus, ReceivableStatus } from '../api/types.ts';
import {
  IMPORT_STATUS_COLORS,
  IMPORT_STATUS_LABELS,
  RECEIVABLE_STATUS_COLORS,
  RECEIVABLE_STATUS_LABELS,
} from '../lib/labels.ts';

export function ReceivableStatusBadge({ status }: { status: ReceivableStatus }) {
  return (
    <Badge
      variant="light"
      color={RECEIVABLE_STATUS_COLORS[status] ?? 'gray'}
      style={{ whiteSpace: 'nowrap' }}
    >
      {RECEIVABLE_STATUS_LABELS[status] ?? status}
    </Badge>
  );
}

export function ImportStatusBadge({ status }: { status: ImportStatus }) {
  return (
    <Badge variant="light" color={IMPORT_STATUS_COLORS[status] ?? 'gray'} data-testid="import-status">
      {IMPORT_STATUS_LABELS[status] ?? status}
    </Badge>
  );
}
