/**
 * The fields a receivables file can carry, and the header names ERPs and CRMs commonly give them.
 * Headers are compared without accents, case, spaces or punctuation ("Data de Vencimento" = "datadevencimento").
 */
export const FIELDS = {
  externalId: [
    'id',
    'idexterno',
    'externalid',
    'codigo',
    'cod',
    'codtitulo',
    'codigotitulo',
    'idtitulo',
    'titulo',
    'chave',
    'identificador',
    'numtitulo',
    'numerotitulo',
    'seunumero',
    'idreceber',
    'codreceber',
  ],
  documentNumber: [
    'documento',
    'numerodocumento',
    'numdocumento',
    'numdoc',
    'ndoc',
    'nrdocumento',
    'nrodocumento',
    'documentnumber',
    'notafiscal',
    'nf',
    'nfe',
    'numeronf',
    'numeronotafiscal',
    'fatura',
    'numerofatura',
    'duplicata',
    'nrdoc',
  ],
  installmentNumber: [
    'parcela',
    'numparcela',
    'numeroparcela',
    'nparcela',
    'nrparcela',
    'installment',
    'installmentnumber',
  ],
  installmentCount: [
    'totalparcelas',
    'qtdparcelas',
    'quantidadeparcelas',
    'numparcelas',
    'installmentcount',
    'deparcelas',
    'qtdeparcelas',
  ],
  issueDate: ['emissao', 'dataemissao', 'dtemissao', 'datadeemissao', 'issuedate', 'dataemissaonf', 'dtemis'],
  dueDate: [
    'vencimento',
    'datavencimento',
    'dtvencimento',
    'datadevencimento',
    'venc',
    'duedate',
    'dtvenc',
    'vencto',
  ],
  originalAmount: [
    'valor',
    'valororiginal',
    'valortitulo',
    'vlrtitulo',
    'vlroriginal',
    'valordotitulo',
    'valornominal',
    'valordocumento',
    'amount',
    'originalamount',
    'valorbruto',
    'vlrdocumento',
    'vlr',
    'valorparcela',
  ],
  openAmount: [
    'saldo',
    'valoraberto',
    'valoremaberto',
    'saldodevedor',
    'saldoaberto',
    'vlrsaldo',
    'openamount',
    'balance',
    'valorpendente',
    'saldoatual',
    'vlraberto',
  ],
  status: ['situacao', 'status', 'statustitulo', 'situacaotitulo'],
  debtorDocument: [
    'cpfcnpj',
    'cnpjcpf',
    'cpf',
    'cnpj',
    'documentocliente',
    'doccliente',
    'cpfcnpjcliente',
    'documentodevedor',
    'cpfcnpjsacado',
    'cpfcnpjpagador',
    'taxid',
    'debtordocument',
    'inscricao',
    'cpfoucnpj',
  ],
  debtorName: [
    'nome',
    'cliente',
    'nomecliente',
    'razaosocial',
    'sacado',
    'pagador',
    'devedor',
    'nomedevedor',
    'debtorname',
    'name',
    'nomerazaosocial',
    'nomesacado',
    'nomepagador',
  ],
  email: ['email', 'emails', 'emailcliente', 'correioeletronico', 'mail'],
  phone: [
    'telefone',
    'telefones',
    'fone',
    'celular',
    'tel',
    'phone',
    'phones',
    'telefonecelular',
    'mobile',
    'fones',
  ],
  whatsapp: ['whatsapp', 'zap', 'wpp', 'whats', 'celularwhatsapp'],
  street: ['endereco', 'logradouro', 'rua', 'street', 'address'],
  number: ['numero', 'numeroendereco', 'nro', 'addressnumber'],
  complement: ['complemento', 'complement'],
  district: ['bairro', 'district', 'neighborhood'],
  city: ['cidade', 'municipio', 'city'],
  uf: ['uf', 'estado', 'state'],
  cep: ['cep', 'zipcode', 'zip', 'postalcode'],
  tags: ['tags', 'etiquetas', 'marcadores'],
  nossoNumero: ['nossonumero'],
  pixTxid: ['txid', 'pixtxid'],
  description: ['descricao', 'historico', 'description', 'observacao', 'obs'],
} as const;

export type Field = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as Field[];

/** Fields every row needs (externalId may be derived from documentNumber + installmentNumber). */
export const REQUIRED: Field[] = ['debtorDocument', 'debtorName', 'dueDate', 'originalAmount'];

export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const ALIAS_TO_FIELD = new Map<string, Field>();
for (const field of FIELD_NAMES) {
  ALIAS_TO_FIELD.set(normalizeHeader(field), field);
  for (const alias of FIELDS[field]) if (!ALIAS_TO_FIELD.has(alias)) ALIAS_TO_FIELD.set(alias, field);
}

export type ColumnMap = Partial<Record<Field, number>>;

export class HeaderError extends Error {
  readonly code: 'missing_columns' | 'bad_mapping';
  readonly details: Record<string, unknown>;
  constructor(
    code: 'missing_columns' | 'bad_mapping',
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/**
 * Decides which column holds each field. `mapping` (field -> header as written in the file) wins over the
 * aliases. Returns the columns found and the required fields still missing.
 */
export function suggestColumns(
  headers: string[],
  mapping: Record<string, string> = {},
): { columns: ColumnMap; missing: Field[] } {
  const columns: ColumnMap = {};
  const normalized = headers.map(normalizeHeader);
  for (const [field, header] of Object.entries(mapping)) {
    if (!FIELD_NAMES.includes(field as Field)) {
      throw new HeaderError(
        'bad_mapping',
        `unknown field "${field}" in the mapping; fields are: ${FIELD_NAMES.join(', ')}`,
        {
          field,
        },
      );
    }
    if (header === '') continue;
    const index = normalized.indexOf(normalizeHeader(header));
    if (index === -1) {
      throw new HeaderError(
        'bad_mapping',
        `the mapping names column "${header}" for ${field}, but the file has no such column`,
        {
          field,
          header,
        },
      );
    }
    columns[field as Field] = index;
  }
  const taken = new Set(Object.values(columns));
  normalized.forEach((name, index) => {
    const field = ALIAS_TO_FIELD.get(name);
    if (field && columns[field] === undefined && !(field in mapping) && !taken.has(index)) {
      columns[field] = index;
      taken.add(index);
    }
  });
  const missing = REQUIRED.filter((f) => columns[f] === undefined);
  if (columns.externalId === undefined && columns.documentNumber === undefined) missing.unshift('externalId');
  return { columns, missing };
}

/** Like suggestColumns, but throws HeaderError naming every missing required column. */
export function matchColumns(headers: string[], mapping: Record<string, string> = {}): ColumnMap {
  const { columns, missing } = suggestColumns(headers, mapping);
  if (missing.length > 0) {
    const detail = missing.map((f) => `${f} (e.g. ${FIELDS[f].slice(0, 3).join(', ')})`).join('; ');
    throw new HeaderError(
      'missing_columns',
      `the header line lacks required columns: ${detail}. Found: ${headers.join(', ') || 'nothing'}. Rename the columns or pass a mapping.`,
      { missing, headers },
    );
  }
  return columns;
}
