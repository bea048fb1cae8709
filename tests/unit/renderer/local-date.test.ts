import { describe, expect, it } from 'vitest';
import { dateOrder, datePattern, parseLocalDate } from '../../../renderer/src/screens/organisation/local-date';

describe('dates typed in the UI language', () => {
  const en = dateOrder('en');
  const fr = dateOrder('fr');

  it('follow the language order and its letters', () => {
    expect(en.parts).toEqual(['month', 'day', 'year']);
    expect(fr.parts).toEqual(['day', 'month', 'year']);
    expect(datePattern(en, { day: 'dd', month: 'mm', year: 'yyyy' })).toBe('mm/dd/yyyy');
    expect(datePattern(fr, { day: 'jj', month: 'mm', year: 'aaaa' })).toBe('jj/mm/aaaa');
  });

  it('read the same digits as different days in English and French', () => {
    expect(parseLocalDate('12/07/2026', en)).toBe('2026-12-07');
    expect(parseLocalDate('12/07/2026', fr)).toBe('2026-07-12');
    expect(parseLocalDate(' 7.12.2026 ', fr)).toBe('2026-12-07');
    expect(parseLocalDate('7-12-2026', fr)).toBe('2026-12-07');
  });

  it('refuse what is not a date, and read nothing as no date', () => {
    expect(parseLocalDate('', en)).toBe('');
    expect(parseLocalDate('31/02/2026', fr)).toBeNull();
    expect(parseLocalDate('13/01/2026', en)).toBeNull();
    expect(parseLocalDate('1/2', en)).toBeNull();
    expect(parseLocalDate('a/b/2026', en)).toBeNull();
    expect(parseLocalDate('1/1/26', en)).toBeNull();
  });
});
