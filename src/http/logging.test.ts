import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from './logging.ts';

describe('server logs', () => {
  it('never carry a CPF, CNPJ, phone number, e-mail or credential', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = Fastify({ logger: { ...loggerOptions('info'), stream } });
    app.log.info(
      { debtor: { document: '52998224725', phone: '+5511987654321' } },
      'imported row for 529.982.247-25',
    );
    app.log.error({ err: new Error('bounce from maria@example.com') }, 'mail to maria@example.com failed');
    app.log.warn(
      { req: { headers: { authorization: 'Bearer rg_secret', cookie: 'regua_session=abc' } } },
      'odd request',
    );
    await app.close();
    const text = lines.join('');
    expect(text).not.toMatch(
      /52998224725|529\.982\.247-25|987654321|maria@example\.com|rg_secret|regua_session=abc/,
    );
    expect(text).toContain('**CPF**25');
    expect(text).toContain('***@***.com');
  });
});
