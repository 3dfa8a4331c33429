import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContactHours, ContactWindow } from './calendar.ts';
import {
  addBankBusinessDays,
  bankHolidays,
  calendarRows,
  contactAllowedAt,
  DEFAULT_CONTACT_WINDOW,
  isBankBusinessDay,
  isContactHoliday,
  localDateIn,
  nextBankBusinessDay,
  nextContactOpening,
  stateHolidayRows,
  stateHolidays,
  UFS,
  ufTimeZone,
  validateContactWindow,
} from './calendar.ts';

const at = (iso: string): Date => new Date(iso);

describe('ufTimeZone', () => {
  it.each([
    ['AC', 'America/Rio_Branco'],
    ['AM', 'America/Manaus'],
    ['RR', 'America/Boa_Vista'],
    ['RO', 'America/Porto_Velho'],
    ['MT', 'America/Cuiaba'],
    ['MS', 'America/Campo_Grande'],
    ['SP', 'America/Sao_Paulo'],
    ['PE', 'America/Sao_Paulo'],
    ['am', 'America/Manaus'],
    ['XX', 'America/Sao_Paulo'],
    [null, 'America/Sao_Paulo'],
  ])('judges %s on %s', (uf, zone) => {
    expect(ufTimeZone(uf)).toBe(zone);
  });

  it('knows all 27 federative units', () => {
    expect(UFS).toHaveLength(27);
    expect(new Set(UFS).size).toBe(27);
  });
});

describe('bank holidays', () => {
  it('2026 matches the BRAZIL.md list', () => {
    expect([...bankHolidays(2026).keys()]).toEqual([
      '2026-01-01',
      '2026-02-16',
      '2026-02-17',
      '2026-04-03',
      '2026-04-21',
      '2026-05-01',
      '2026-06-04',
      '2026-09-07',
      '2026-10-12',
      '2026-11-02',
      '2026-11-15',
      '2026-11-20',
      '2026-12-25',
    ]);
  });

  it.each([
    [2023, '2023-11-20', false],
    [2024, '2024-11-20', true],
    [2026, '2026-10-04', false],
    [2026, '2026-10-25', false],
    [2024, '2024-10-06', false],
    [2026, '2026-02-18', false],
    [2026, '2026-12-24', false],
    [2026, '2026-12-31', false],
    [2027, '2027-02-08', true],
    [2027, '2027-05-27', true],
  ])('in %i, %s is a bank holiday: %s', (year, day, expected) => {
    expect(bankHolidays(year).has(day)).toBe(expected);
  });

  it('returns the same cached map for a year', () => {
    expect(bankHolidays(2026)).toBe(bankHolidays(2026));
  });
});

describe('state holidays', () => {
  it.each([
    ['SP', 2026, '2026-07-09', true],
    ['RJ', 2026, '2026-04-23', true],
    ['RJ', 2026, '2026-10-20', false],
    ['DF', 2026, '2026-11-30', true],
    ['DF', 2026, '2026-04-21', false],
    ['AL', 2026, '2026-11-20', false],
    ['AL', 2023, '2023-11-20', true],
    ['SP', 2026, '2026-10-04', false],
  ])('%s %i: %s is a state-only holiday: %s', (uf, year, day, expected) => {
    expect(stateHolidays(uf, year).has(day)).toBe(expected);
  });

  it('SP has only the Revolução Constitucionalista in 2026', () => {
    expect([...stateHolidays('SP', 2026)]).toEqual([['2026-07-09', 'Revolução Constitucionalista']]);
  });

  it('refuses an unknown UF', () => {
    expect(() => stateHolidays('XX', 2026)).toThrow(RangeError);
  });
});

describe('bank business days', () => {
  it.each([
    ['2026-02-16', false], // Carnival Monday
    ['2026-02-17', false], // Carnival Tuesday
    ['2026-02-18', true], // Ash Wednesday (banks open at noon)
    ['2026-06-04', false], // Corpus Christi
    ['2026-07-09', true], // SP state holiday: still a national bank business day
    ['2026-11-20', false],
    ['2026-11-21', false], // Saturday
    ['2026-11-23', true],
  ])('%s is a business day: %s', (day, expected) => {
    expect(isBankBusinessDay(day)).toBe(expected);
  });

  it.each([
    ['2026-11-21', '2026-11-23'], // Saturday rolls to Monday
    ['2026-11-20', '2026-11-23'], // holiday Friday rolls to Monday
    ['2026-11-19', '2026-11-19'], // a business day stays
    ['2026-02-14', '2026-02-18'], // Carnival weekend to Ash Wednesday
    ['2022-12-31', '2023-01-02'],
  ])('a due date on %s rolls to %s', (day, rolled) => {
    expect(nextBankBusinessDay(day)).toBe(rolled);
  });

  it.each([
    ['2026-11-19', 1, '2026-11-23'],
    ['2026-11-19', 0, '2026-11-19'],
    ['2026-11-21', 0, '2026-11-21'],
    ['2026-11-21', 1, '2026-11-23'],
    ['2026-11-23', -1, '2026-11-19'],
    ['2026-02-13', 1, '2026-02-18'],
    ['2026-12-24', 3, '2026-12-30'],
    ['2026-12-31', 1, '2027-01-04'],
  ])('%s plus %i business days is %s', (day, n, expected) => {
    expect(addBankBusinessDays(day, n)).toBe(expected);
  });

  it('refuses malformed dates', () => {
    expect(() => isBankBusinessDay('2026-02-30')).toThrow(RangeError);
    expect(() => nextBankBusinessDay('21/11/2026')).toThrow(RangeError);
    expect(() => addBankBusinessDays('2026-11-19', 1.5)).toThrow(RangeError);
  });
});

describe('contact holidays', () => {
  it.each([
    ['2026-07-09', 'SP', true],
    ['2026-07-09', 'RJ', false],
    ['2026-07-09', null, false],
    ['2026-11-30', 'DF', true],
    ['2026-11-30', 'SP', false],
    ['2026-02-16', 'RJ', true],
    ['2026-11-20', 'XX', true],
  ])('%s in %s is a contact holiday: %s', (day, uf, expected) => {
    expect(isContactHoliday(day, uf)).toBe(expected);
  });

  it('Christmas 2026 is closed everywhere', () => {
    for (const uf of [...UFS, null]) {
      expect(isContactHoliday('2026-12-25', uf)).toBe(true);
      // 16:00Z is 13:00 in São Paulo and 11:00 in Rio Branco
      expect(contactAllowedAt(at('2026-12-25T16:00:00Z'), uf, DEFAULT_CONTACT_WINDOW)).toBe(false);
      const opening = nextContactOpening(at('2026-12-25T16:00:00Z'), uf, DEFAULT_CONTACT_WINDOW);
      expect(localDateIn(opening, ufTimeZone(uf))).toBe('2026-12-26');
    }
  });
});

describe('contact windows', () => {
  it.each([
    // Friday 19:59 in São Paulo (UTC-3) is inside, 20:00 is outside
    ['2026-11-27T22:59:00Z', 'SP', true],
    ['2026-11-27T22:59:59Z', 'SP', true],
    ['2026-11-27T23:00:00Z', 'SP', false],
    ['2026-11-28T11:00:00Z', 'SP', true], // Saturday 08:00
    ['2026-11-28T16:59:00Z', 'SP', true], // Saturday 13:59
    ['2026-11-28T17:00:00Z', 'SP', false], // Saturday 14:00
    ['2026-11-29T15:00:00Z', 'SP', false], // Sunday noon
    ['2026-11-30T10:59:00Z', 'SP', false], // Monday 07:59
    // 08:30 in São Paulo is 07:30 in Manaus (UTC-4) and 06:30 in Rio Branco (UTC-5)
    ['2026-11-25T11:30:00Z', 'SP', true],
    ['2026-11-25T11:30:00Z', 'AM', false],
    ['2026-11-25T12:00:00Z', 'AM', true],
    ['2026-11-25T12:30:00Z', 'AC', false],
    ['2026-11-25T13:00:00Z', 'AC', true],
    ['2026-11-25T23:30:00Z', 'AM', true], // 20:30 in São Paulo, 19:30 in Manaus
    ['2026-07-09T15:00:00Z', 'SP', false], // SP state holiday
    ['2026-07-09T15:00:00Z', 'RJ', true],
    ['2026-02-16T13:00:00Z', 'RJ', false], // Carnival Monday
  ])('at %s a debtor in %s may be contacted: %s', (iso, uf, expected) => {
    expect(contactAllowedAt(at(iso), uf, DEFAULT_CONTACT_WINDOW)).toBe(expected);
  });

  it.each([
    ['2026-11-27T22:59:00Z', 'SP', '2026-11-27T22:59:00.000Z'], // allowed: itself
    ['2026-11-27T23:00:00Z', 'SP', '2026-11-28T11:00:00.000Z'], // Fri 20:00 -> Sat 08:00
    ['2026-11-28T17:00:00Z', 'SP', '2026-11-30T11:00:00.000Z'], // Sat 14:00 -> Mon 08:00
    ['2026-11-28T17:00:00Z', 'DF', '2026-12-01T11:00:00.000Z'], // DF's Nov 30 is a holiday
    ['2026-11-30T10:00:00Z', 'SP', '2026-11-30T11:00:00.000Z'], // Mon 07:00 -> 08:00
    ['2026-11-25T11:30:00Z', 'AM', '2026-11-25T12:00:00.000Z'], // 07:30 Manaus -> 08:00 Manaus
    ['2026-11-25T12:30:00Z', 'AC', '2026-11-25T13:00:00.000Z'], // 07:30 Rio Branco -> 08:00
    ['2026-11-28T02:30:00Z', 'AM', '2026-11-28T12:00:00.000Z'], // Fri 22:30 Manaus -> Sat 08:00
    ['2026-07-09T15:00:00Z', 'SP', '2026-07-10T11:00:00.000Z'],
    ['2026-02-16T13:00:00Z', 'RJ', '2026-02-18T11:00:00.000Z'], // Carnival -> Ash Wednesday
    ['2026-11-20T15:00:00Z', null, '2026-11-21T11:00:00.000Z'],
  ])('from %s a debtor in %s opens at %s', (iso, uf, expected) => {
    expect(nextContactOpening(at(iso), uf, DEFAULT_CONTACT_WINDOW).toISOString()).toBe(expected);
  });

  it('honours a custom window, Sundays included', () => {
    const window: ContactWindow = {
      weekdays: { start: '09:00', end: '18:00' },
      saturday: null,
      sunday: { start: '10:00', end: '12:00' },
    };
    // Saturday 09:00 São Paulo -> Sunday 10:00
    expect(nextContactOpening(at('2026-11-28T12:00:00Z'), 'SP', window).toISOString()).toBe(
      '2026-11-29T13:00:00.000Z',
    );
  });

  it.each([
    [DEFAULT_CONTACT_WINDOW, []],
    [
      { weekdays: { start: '8:00', end: '20:00' }, saturday: null, sunday: null },
      ['Horário de início inválido em dias úteis (segunda a sexta): "8:00" (use HH:MM, de 00:00 a 23:59).'],
    ],
    [
      {
        weekdays: { start: '08:00', end: '20:00' },
        saturday: { start: '14:00', end: '14:00' },
        sunday: null,
      },
      ['Em sábado, o início (14:00) deve ser anterior ao fim (14:00).'],
    ],
    [
      { weekdays: { start: '08:00', end: '24:00' }, saturday: null, sunday: null },
      ['Horário de fim inválido em dias úteis (segunda a sexta): "24:00" (use HH:MM, de 00:00 a 23:59).'],
    ],
    [
      { weekdays: null, saturday: null, sunday: null },
      ['A janela de contato não permite contato em nenhum dia.'],
    ],
  ])('validates %j', (window: ContactWindow, problems: string[]) => {
    expect(validateContactWindow(window)).toEqual(problems);
  });

  it('refuses to search with a window that allows nothing', () => {
    const never: ContactWindow = { weekdays: null, saturday: null, sunday: null };
    expect(() => nextContactOpening(at('2026-11-27T12:00:00Z'), 'SP', never)).toThrow(/nenhum dia/);
  });

  it('finds the date an instant falls on in a zone', () => {
    expect(localDateIn(at('2026-11-23T03:30:00Z'), 'America/Sao_Paulo')).toBe('2026-11-23');
    expect(localDateIn(at('2026-11-23T03:30:00Z'), 'America/Manaus')).toBe('2026-11-22');
  });

  const minute = (n: number): string =>
    `${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
  const hours: fc.Arbitrary<ContactHours> = fc
    .integer({ min: 0, max: 1438 })
    .chain((start) =>
      fc.integer({ min: start + 1, max: 1439 }).map((end) => ({ start: minute(start), end: minute(end) })),
    );
  const windows: fc.Arbitrary<ContactWindow> = fc.oneof(
    fc.constant(DEFAULT_CONTACT_WINDOW),
    fc.record({ weekdays: hours, saturday: fc.option(hours), sunday: fc.option(hours) }),
  );

  it('the next opening is never earlier, is allowed, and nothing earlier after the instant was', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('2026-01-01T00:00:00Z'), max: at('2027-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.constantFrom<string | null>(...UFS, null),
        windows,
        (instant, uf, window) => {
          const opening = nextContactOpening(instant, uf, window);
          expect(opening.getTime()).toBeGreaterThanOrEqual(instant.getTime());
          expect(contactAllowedAt(opening, uf, window)).toBe(true);
          if (opening.getTime() > instant.getTime()) {
            const justBefore = new Date(Math.max(instant.getTime(), opening.getTime() - 60_000));
            expect(contactAllowedAt(justBefore, uf, window)).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('rows for the SQL calendar tables', () => {
  it('covers every day with the due-date roll', () => {
    const rows = calendarRows(2026, 2026);
    expect(rows).toHaveLength(365);
    expect(rows[0]).toEqual({ day: '2026-01-01', business: false, nextBusinessDay: '2026-01-02' });
    expect(rows.find((row) => row.day === '2026-11-21')).toEqual({
      day: '2026-11-21',
      business: false,
      nextBusinessDay: '2026-11-23',
    });
    expect(rows.filter((row) => row.business)).toHaveLength(249);
    for (const row of rows) {
      expect(row.business).toBe(isBankBusinessDay(row.day));
      expect(row.nextBusinessDay).toBe(nextBankBusinessDay(row.day));
    }
  });

  it('lets the last days roll into the following year', () => {
    const rows = calendarRows(2021, 2022);
    expect(rows).toHaveLength(730);
    expect(rows.at(-1)).toEqual({ day: '2022-12-31', business: false, nextBusinessDay: '2023-01-02' });
    expect(calendarRows(2024, 2024)).toHaveLength(366);
  });

  it('refuses a backwards range', () => {
    expect(() => calendarRows(2027, 2026)).toThrow(RangeError);
  });

  it('lists state holidays for every UF, sorted by day', () => {
    const rows = stateHolidayRows(2026, 2027);
    expect(rows).toContainEqual({ day: '2026-07-09', uf: 'SP', name: 'Revolução Constitucionalista' });
    expect(rows).toContainEqual({ day: '2027-07-09', uf: 'SP', name: 'Revolução Constitucionalista' });
    expect(rows.filter((row) => row.day === '2026-11-20')).toEqual([]);
    const keys = rows.map((row) => `${row.day} ${row.uf}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
  });
});
