import { redactText, redactValue } from '../shared/redact.ts';

/**
 * Logger settings for the server: credentials are removed, and CPF/CNPJ, phone numbers and e-mail
 * addresses are masked wherever they appear in a log line (message or fields).
 */
export function loggerOptions(level: string) {
  return {
    level,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    formatters: {
      log: (object: Record<string, unknown>) => redactValue(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? redactText(a) : a)),
        );
      },
    },
  };
}
