import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from './redact.ts';

describe('log redaction', () => {
  it.each([
    ['CPF 529.982.247-25 rejected', 'CPF **CPF**25 rejected'],
    ['cpf=52998224725', 'cpf=**CPF**25'],
    ['CNPJ 11.222.333/0001-81', 'CNPJ **CNPJ**81'],
    ['alfanumérico 12.ABC.345/01DE-35 e 12ABC34501DE35', 'alfanumérico **CNPJ**35 e **CNPJ**35'],
    ['mail maria.silva@example.com.br failed', 'mail ***@***.br failed'],
    ['whatsapp +5511987654321', 'whatsapp **PHONE**21'],
    ['tel (11) 98765-4321', 'tel **PHONE**21'],
  ])('masks %j', (text, masked) => {
    expect(redactText(text)).toBe(masked);
  });

  it('leaves ordinary log content readable', () => {
    expect(redactText('import 42 completed: 1000 rows in 2.5 s, R$ 1.234,56, due 2026-01-31')).toBe(
      'import 42 completed: 1000 rows in 2.5 s, R$ 1.234,56, due 2026-01-31',
    );
  });

  it('reaches into nested log objects and errors', () => {
    const out = redactValue({
      debtor: { document: '52998224725', emails: ['a@b.com'] },
      err: new Error('no 529.982.247-25'),
    }) as {
      debtor: { document: string; emails: string[] };
      err: { message: string };
    };
    expect(out.debtor).toEqual({ document: '**CPF**25', emails: ['***@***.com'] });
    expect(out.err.message).toBe('no **CPF**25');
  });
});
