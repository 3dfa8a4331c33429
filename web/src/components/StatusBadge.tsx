import { Badge } from '@mantine/core';
import type { CadenceVersionStatus, ImportStatus, ReceivableStatus } from '../api/types.ts';
import {
  CADENCE_STATUS_COLORS,
  CADENCE_STATUS_LABELS,
  IMPORT_STATUS_COLORS,
  IMPORT_STATUS_LABELS,
  messageStatusColor,
  messageStatusLabel,
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

export function MessageStatusBadge({ status }: { status: string }) {
  return (
    <Badge
      variant="light"
      color={messageStatusColor(status)}
      style={{ whiteSpace: 'nowrap' }}
      data-testid="message-status"
    >
      {messageStatusLabel(status)}
    </Badge>
  );
}

export function CadenceStatusBadge({ status }: { status: CadenceVersionStatus }) {
  return (
    <Badge
      variant={status === 'active' ? 'filled' : 'light'}
      color={CADENCE_STATUS_COLORS[status] ?? 'gray'}
      data-testid="cadence-status"
    >
      {CADENCE_STATUS_LABELS[status] ?? status}
    </Badge>
  );
}
