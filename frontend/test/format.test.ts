import { describe, expect, it } from 'vitest';
import { formatCurrency, formatDate, formatNumber, formatPercent, formatPeriod, formatShare, formatValue, formatInteger, formatCompact, pickText, formatBytes } from '../src/lib/format';

// Intl separates the currency symbol with a no-break space; compare on plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('numbers and currency by locale', () => {
  it('pt-BR: R$ 1.234,56', () => {
    expect(plain(formatCurrency(1234.56, 'pt-BR'))).toBe('R$ 1.234,56');
    expect(plain(formatCurrency(-0.5, 'pt-BR'))).toBe('-R$ 0,50');
    expect(formatNumber(1234567.891, 'pt-BR')).toBe('1.234.567,89');
    expect(formatInteger(1234567.6, 'pt-BR')).toBe('1.234.568');
  });

  it('en: R$1,234.56', () => {
    expect(plain(formatCurrency(1234.56, 'en'))).toBe('R$1,234.56');
    expect(formatNumber(1234567.891, 'en')).toBe('1,234,567.89');
  });

  it('US dollars', () => {
    expect(plain(formatCurrency(1234.5, 'pt-BR', 'USD'))).toBe('US$ 1.234,50');
    expect(plain(formatCurrency(1234.5, 'en', 'USD'))).toBe('$1,234.50');
  });

  it('percentages and shares', () => {
    expect(plain(formatPercent(4.5, 'pt-BR'))).toBe('4,5%');
    expect(plain(formatPercent(4.5, 'en'))).toBe('4.5%');
    expect(plain(formatShare(0.256, 'pt-BR'))).toBe('25,6%');
  });

  it('compact numbers for axes', () => {
    expect(plain(formatCompact(1_200_000, 'pt-BR'))).toBe('1,2 mi');
    expect(formatCompact(1_200_000, 'en')).toBe('1.2M');
  });

  it('values by their column unit', () => {
    expect(plain(formatValue(1234.56, 'BRL', 'pt-BR'))).toBe('R$ 1.234,56');
    expect(plain(formatValue(1234.56, 'BRL/person', 'en'))).toBe('R$1,234.56');
    expect(plain(formatValue(12.345, '%', 'pt-BR'))).toBe('12,35%');
    expect(plain(formatValue(0.5, 'ratio', 'en'))).toBe('50%');
    expect(formatValue(1500.4, 'jobs', 'pt-BR')).toBe('1.500');
    expect(formatValue(1500.25, 't', 'pt-BR')).toBe('1.500,25');
    expect(formatValue(null, 'BRL', 'pt-BR')).toBe('—');
    expect(formatValue('abc', 'BRL', 'pt-BR')).toBe('abc');
    expect(formatValue('42', '', 'en')).toBe('42');
  });

  it('bytes', () => {
    expect(formatBytes(12345, 'pt-BR')).toBe('12,3 kB');
    expect(formatBytes(0, 'en')).toBe('0 B');
  });
});

describe('dates and periods by locale', () => {
  it('dates: 28/11/2026 in pt-BR, 11/28/2026 in en', () => {
    expect(formatDate('2026-11-28', 'pt-BR')).toBe('28/11/2026');
    expect(formatDate('2026-11-28', 'en')).toBe('11/28/2026');
    expect(formatDate(new Date(2026, 10, 28, 12), 'pt-BR')).toBe('28/11/2026');
  });

  it('months, quarters and years', () => {
    expect(formatPeriod('2023-01', 'pt-BR')).toBe('jan. de 2023');
    expect(formatPeriod('2023-01', 'en')).toBe('Jan 2023');
    expect(formatPeriod('2023-Q2', 'pt-BR')).toBe('2º tri. 2023');
    expect(formatPeriod('2023-Q2', 'en')).toBe('Q2 2023');
    expect(formatPeriod('2023', 'en')).toBe('2023');
    expect(formatPeriod('SP', 'en')).toBe('SP');
  });

  it('catalog titles in the user language with a fallback', () => {
    expect(pickText({ 'pt-BR': 'Mês', en: 'Month' }, 'en')).toBe('Month');
    expect(pickText({ 'pt-BR': 'Mês' }, 'en')).toBe('Mês');
    expect(pickText(undefined, 'en', 'x')).toBe('x');
  });
});
