import { csvColumns } from '../shared/csvExport.ts';
import { importErrorPt, importStatusPt } from '../shared/csvLabels.ts';
import type { RowError } from './rows.ts';
import type { ImportRecord } from './run.ts';

/** The CSV columns of the imports' table views (pt-BR headers; see docs/CSV.md). */

export const IMPORT_COLUMNS = csvColumns<ImportRecord>([
  { header: 'Criada em', kind: 'datetime', value: (i) => i.createdAt },
  { header: 'Credor', value: (i) => i.creditorName },
  { header: 'Arquivo', value: (i) => i.filename },
  { header: 'Origem', value: (i) => (i.source === 'json' ? 'API (JSON)' : 'Arquivo CSV') },
  { header: 'Situação', value: (i) => importStatusPt(i.status) },
  { header: 'Linhas lidas', kind: 'int', value: (i) => i.processedRows },
  { header: 'Novos', kind: 'int', value: (i) => i.imported },
  { header: 'Atualizados', kind: 'int', value: (i) => i.updated },
  { header: 'Sem alteração', kind: 'int', value: (i) => i.unchanged },
  { header: 'Rejeitados', kind: 'int', value: (i) => i.rejected },
  { header: 'Iniciada em', kind: 'datetime', value: (i) => i.startedAt },
  { header: 'Concluída em', kind: 'datetime', value: (i) => i.finishedAt },
  { header: 'Erro', value: (i) => i.errorMessage },
  { header: 'ID da importação', kind: 'int', value: (i) => i.id },
  { header: 'ID do credor', kind: 'int', value: (i) => i.creditorId },
]);

export const IMPORT_ERROR_COLUMNS = csvColumns<RowError>([
  { header: 'Linha', kind: 'int', value: (e) => e.line },
  { header: 'Coluna', value: (e) => e.column },
  { header: 'Valor', value: (e) => e.value },
  { header: 'Problema', value: (e) => importErrorPt(e.code) },
  { header: 'Detalhe', value: (e) => e.reason },
  { header: 'Código', value: (e) => e.code },
]);
