import { type TSchema, Type } from '@sinclair/typebox';
import { ROLES } from '../access/schema.ts';
import { IMPORT_STATUSES } from '../imports/schema.ts';
import { RECEIVABLE_STATUSES } from '../portfolio/schema.ts';

/** A string enum as plain JSON Schema `enum`, typed as the union of its values. */
const StringEnum = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });

/** A timestamp: a Date in code, an ISO 8601 string on the wire. */
const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** A record id: a positive whole number that fits PostgreSQL's bigint and a JavaScript number exactly. */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
/** An offset or count in a query string, bounded so no arithmetic on it can overflow. */
export const Count = (max: number, extra: Record<string, unknown> = {}) =>
  Type.Integer({ minimum: 0, maximum: max, ...extra });
const CalendarDate = Type.String({ format: 'date', description: 'calendar date YYYY-MM-DD' });
const Cents = Type.Integer({ description: 'integer centavos' });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Unknown())),
  },
  {
    $id: 'Problem',
    description: 'RFC 9457 problem details (application/problem+json); some carry extension members',
    additionalProperties: true,
  },
);

export const Organization = Type.Object({
  id: Id,
  slug: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
});
export const Role = StringEnum(ROLES);

export const Session = Type.Object({
  user: Type.Object({ id: Id, email: Type.String(), name: Type.String(), totpEnabled: Type.Boolean() }),
  organization: Organization,
  role: Role,
  creditorIds: Nullable(Type.Array(Id)),
  organizations: Type.Array(Type.Object({ id: Id, slug: Type.String(), name: Type.String(), role: Role })),
});

export const Address = Type.Object({
  street: Nullable(Type.String()),
  number: Nullable(Type.String()),
  complement: Nullable(Type.String()),
  district: Nullable(Type.String()),
  city: Nullable(Type.String()),
  uf: Nullable(Type.String()),
  cep: Nullable(Type.String()),
});

export const Creditor = Type.Object({
  id: Id,
  cnpj: Type.String(),
  legalName: Type.String(),
  tradeName: Nullable(Type.String()),
  segment: Nullable(Type.String()),
  address: Address,
  monthlyFeeCents: Cents,
  successFeeBasisPoints: Type.Integer(),
  stats: Type.Optional(
    Type.Object({
      debtors: Type.Integer(),
      receivables: Type.Integer(),
      openCents: Cents,
      overdueCents: Cents,
    }),
  ),
});

export const NewCreditor = Type.Object({
  cnpj: Type.String({ minLength: 14, maxLength: 18 }),
  legalName: Type.String({ minLength: 1, maxLength: 200 }),
  tradeName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  segment: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  address: Type.Optional(Type.Partial(Address)),
  monthlyFeeCents: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000_00 })),
  successFeeBasisPoints: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
});

export const Aging = Type.Object({
  asOf: CalendarDate,
  buckets: Type.Array(Type.Object({ bucket: Type.String(), count: Type.Integer(), openCents: Cents })),
});

export const Debtor = Type.Object({
  id: Id,
  creditorId: Id,
  kind: Type.Union([Type.Literal('person'), Type.Literal('company')]),
  document: Type.String({ description: 'CPF (11 digits) or CNPJ (14 characters, may be alphanumeric)' }),
  name: Type.String(),
  emails: Type.Array(Type.String()),
  phones: Type.Array(Type.String({ description: 'E.164' })),
  whatsapp: Nullable(Type.String()),
  address: Address,
  tags: Type.Array(Type.String()),
  channelPreferences: Type.Record(
    Type.String(),
    Type.Object({
      consentAt: Type.Optional(Type.String()),
      optedOutAt: Type.Optional(Type.String()),
      source: Type.Optional(Type.String()),
    }),
  ),
  openCents: Cents,
  receivablesCount: Type.Integer(),
});

export const ReceivableStatus = StringEnum(RECEIVABLE_STATUSES);

export const Receivable = Type.Object({
  id: Id,
  creditorId: Id,
  debtorId: Id,
  debtorName: Type.String(),
  debtorDocument: Type.String(),
  externalId: Type.String(),
  documentNumber: Nullable(Type.String()),
  installmentNumber: Nullable(Type.Integer()),
  installmentCount: Nullable(Type.Integer()),
  issueDate: Nullable(CalendarDate),
  dueDate: CalendarDate,
  originalCents: Cents,
  openCents: Cents,
  status: ReceivableStatus,
  daysPastDue: Type.Integer(),
  nossoNumero: Nullable(Type.String()),
  pixTxid: Nullable(Type.String()),
});

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const Import = Type.Object({
  id: Id,
  creditorId: Id,
  creditorName: Type.String(),
  source: Type.Union([Type.Literal('csv'), Type.Literal('json')]),
  filename: Nullable(Type.String()),
  status: StringEnum(IMPORT_STATUSES),
  totalBytes: Nullable(Type.Integer()),
  processedBytes: Type.Integer(),
  processedRows: Type.Integer(),
  imported: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Integer(),
  errorMessage: Nullable(Type.String()),
  errorCode: Nullable(
    Type.String({
      description:
        'why the import failed: empty_file, no_header, unreadable_header, missing_columns, bad_mapping, no_rows, invalid_json, not_a_batch, interrupted, failed',
    }),
  ),
  errorDetails: Nullable(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'for missing_columns: {missing: [field], headers: [header]}',
    }),
  ),
  createdAt: Timestamp,
  startedAt: Nullable(Timestamp),
  finishedAt: Nullable(Timestamp),
});

export const ImportError = Type.Object({
  line: Type.Integer({
    description: 'line in the file (1 = header); item number for JSON batches; 0 = the file',
  }),
  column: Type.String(),
  value: Type.String(),
  code: Type.String(),
  reason: Type.String(),
});

export const IdParams = Type.Object({ id: Id });

export const ImportPreview = Type.Object({
  encoding: StringEnum(['utf-8', 'windows-1252'] as const),
  delimiter: Type.String(),
  headers: Type.Array(Type.String()),
  mapping: Type.Record(Type.String(), Type.String(), {
    description: 'field -> header of the column read for it',
  }),
  missing: Type.Array(Type.String(), { description: 'required fields no column feeds yet' }),
  sample: Type.Array(Type.Array(Type.String())),
  fields: Type.Array(
    Type.Object({ field: Type.String(), required: Type.Boolean(), aliases: Type.Array(Type.String()) }),
  ),
});
