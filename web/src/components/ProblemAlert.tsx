import { Alert, List, Text } from '@mantine/core';
import { ApiError, NetworkError } from '../api/client.ts';

function describeFieldError(item: unknown): string | null {
  if (typeof item === 'string') return item;
  if (typeof item !== 'object' || item === null) return null;
  const record = item as Record<string, unknown>;
  const message = [record.detail, record.message, record.reason].find((v) => typeof v === 'string');
  const where = [
    record.where,
    record.pointer,
    record.field,
    record.path,
    record.instancePath,
    record.column,
  ].find((v) => typeof v === 'string' && v !== '');
  if (typeof message !== 'string') return null;
  return typeof where === 'string' ? `${where}: ${message}` : message;
}

const STATUS_MESSAGES: Record<number, string> = {
  403: 'Você não tem permissão para acessar este recurso.',
  404: 'Registro não encontrado. Ele pode ter sido removido ou pertencer a outra organização.',
  413: 'O arquivo é grande demais para ser enviado.',
  429: 'Muitas requisições em pouco tempo. Aguarde um instante e tente novamente.',
};

/** The main (pt-BR where we know the case) message for an error. */
export function problemMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const known = STATUS_MESSAGES[error.status];
    if (known) return known;
    if (error.status >= 500 && !error.problem.detail)
      return 'Erro interno no servidor. Tente novamente em instantes.';
    return error.problem.detail ?? error.problem.title ?? `Erro HTTP ${error.status}`;
  }
  if (error instanceof NetworkError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Ocorreu um erro inesperado.';
}

/** The server's own wording, shown under a pt-BR message that replaced it. */
function serverDetail(error: unknown): string | null {
  if (!(error instanceof ApiError) || STATUS_MESSAGES[error.status] === undefined) return null;
  return error.problem.detail ?? null;
}

function problemTitle(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'Acesso negado';
    if (error.status === 404) return 'Não encontrado';
    if (error.status >= 500) return 'Erro no servidor';
    return error.problem.detail && error.problem.title ? error.problem.title : 'Não foi possível concluir';
  }
  if (error instanceof NetworkError) return 'Sem conexão';
  return 'Erro';
}

export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const listed = error instanceof ApiError ? (error.problem.errors ?? error.problem.problems) : undefined;
  const fieldErrors = Array.isArray(listed)
    ? listed.map(describeFieldError).filter((v): v is string => v !== null)
    : [];
  const detail = serverDetail(error);
  return (
    <Alert color="red" variant="light" title={title ?? problemTitle(error)} data-testid="problem-alert">
      <Text size="sm">{problemMessage(error)}</Text>
      {detail && (
        <Text size="xs" c="dimmed" mt={4}>
          {detail}
        </Text>
      )}
      {fieldErrors.length > 0 && (
        <List size="sm" mt="xs">
          {fieldErrors.map((message) => (
            <List.Item key={message}>{message}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
