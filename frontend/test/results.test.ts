import { describe, expect, it } from 'vitest';
import { chartModel, cellText, columnTitle, MAX_SERIES } from '../src/lib/results';
import type { QueryAnswer } from '../src/api/types';
import { comex } from './fixtures';

const labels = { transform: (t: string) => `<${t}>`, perCapita: 'per capita', real: (b: string) => `(R$ de ${b})`, name: 'nome' };

const answer: Pick<QueryAnswer, 'data' | 'columns'> = {
  columns: [
    { name: 'uf', kind: 'dimension', type: 'string' },
    { name: 'month', kind: 'dimension', type: 'month' },
    { name: 'vl_fob_usd', kind: 'measure', type: 'number', unit: 'USD' },
  ],
  data: [
    { uf: 'SP', month: '2023-02', vl_fob_usd: 20 },
    { uf: 'SP', month: '2023-01', vl_fob_usd: 10 },
    { uf: 'RS', month: '2023-01', vl_fob_usd: 5 },
  ],
};

describe('chart model', () => {
  it('puts time on x, sorted, and one series per other dimension', () => {
    const m = chartModel(answer, comex, 'pt-BR', labels);
    expect(m.x).toBe('month');
    expect(m.keys).toEqual(['2023-01', '2023-02']);
    expect(m.categories).toEqual(['jan. de 2023', 'fev. de 2023']);
    expect(m.series.map((s) => [s.name, s.data])).toEqual([
      ['SP', [10, 20]],
      ['RS', [5, null]],
    ]);
    expect(m.units).toEqual(['USD']);
  });

  it('names series by measure when there is no split, with transforms', () => {
    const m = chartModel(
      { columns: [{ name: 'month', kind: 'dimension', type: 'month' }, { name: 'vl_fob_usd.yoy_pct', kind: 'measure', type: 'number', unit: '%' }], data: [{ month: '2023-01', 'vl_fob_usd.yoy_pct': 3.5 }] },
      comex,
      'en',
      labels,
    );
    expect(m.series).toEqual([{ name: 'FOB value (US$) — <yoy_pct>', measure: 'vl_fob_usd.yoy_pct', unit: '%', data: [3.5] }]);
  });

  it('uses labels for coded dimensions and caps the series', () => {
    const data = Array.from({ length: MAX_SERIES + 5 }, (_, i) => ({ country: String(100 + i), country_name: `País ${i}`, month: '2023-01', vl_fob_usd: i }));
    const m = chartModel({ columns: [{ name: 'country', kind: 'dimension', type: 'string' }, { name: 'country_name', kind: 'label', type: 'string' }, { name: 'month', kind: 'dimension', type: 'month' }, { name: 'vl_fob_usd', kind: 'measure', type: 'number', unit: 'USD' }], data }, comex, 'pt-BR', labels);
    expect(m.series).toHaveLength(MAX_SERIES);
    expect(m.series[0].name).toBe('País 0');
    expect(m.truncated).toBe(true);
  });

  it('column titles and cells by locale', () => {
    expect(columnTitle({ name: 'country_name', kind: 'label', type: 'string' }, comex, 'pt-BR', labels)).toBe('País (nome)');
    expect(columnTitle({ name: 'uf', kind: 'dimension', type: 'string' }, comex, 'en', labels)).toBe('State');
    expect(cellText('2023-01', { name: 'month', kind: 'dimension', type: 'month' }, 'en')).toBe('Jan 2023');
    expect(cellText(1234.5, { name: 'vl_fob_usd', kind: 'measure', type: 'number', unit: 'USD' }, 'pt-BR').replace(/\u00a0/g, ' ')).toBe('US$ 1.234,50');
  });
});
