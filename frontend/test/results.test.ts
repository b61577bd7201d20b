import { describe, expect, it } from 'vitest';
import { chartModel, cellText, columnTitle, MAX_SERIES, sortedIndexes, truncatedAt } from '../src/lib/results';
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

describe('result table', () => {
  const rows = [
    { uf: 'SP', month: '2023-02', vl_fob_usd: 20 },
    { uf: 'rs', month: '2023-01', vl_fob_usd: null },
    { uf: 'AM', month: '2023-01', vl_fob_usd: 100 },
    { uf: 'RJ', month: '2023-03', vl_fob_usd: 9 },
  ];
  const [uf, , fob] = answer.columns;

  it('sorts measures as numbers and text by locale, nulls last either way', () => {
    expect(sortedIndexes(rows, fob, 'ascending', 'pt-BR')).toEqual([3, 0, 2, 1]);
    expect(sortedIndexes(rows, fob, 'descending', 'pt-BR')).toEqual([2, 0, 3, 1]);
    expect(sortedIndexes(rows, uf, 'ascending', 'pt-BR').map((i) => rows[i].uf)).toEqual(['AM', 'RJ', 'rs', 'SP']);
    expect(sortedIndexes([{ c: '10' }, { c: '9' }], { name: 'c', kind: 'dimension', type: 'code' }, 'ascending', 'en')).toEqual([1, 0]);
  });

  it('says when the row cap cut the answer: the server flag first, else an answer as long as the limit or max_rows', () => {
    const meta = { rows: 5000 } as QueryAnswer['meta'];
    const full = Array.from({ length: 5000 }, () => ({}));
    const spec = { dataset: 'comex_monthly', measures: ['vl_fob_usd'] };
    expect(truncatedAt({ data: full, meta, next_cursor: null }, spec, comex)).toBe(5000);
    expect(truncatedAt({ data: full.slice(0, 100), meta, next_cursor: null }, { ...spec, limit: 100 }, comex)).toBe(100);
    expect(truncatedAt({ data: full.slice(0, 99), meta, next_cursor: null }, { ...spec, limit: 100 }, comex)).toBeNull();
    expect(truncatedAt({ data: full, meta: { ...meta, truncated: false }, next_cursor: null }, spec, comex)).toBeNull();
    expect(truncatedAt({ data: full.slice(0, 7), meta: { ...meta, truncated: true }, next_cursor: null }, spec, comex)).toBe(7);
    // More pages to follow: not cut, only not all here.
    expect(truncatedAt({ data: full, meta, next_cursor: 'abc' }, spec, comex)).toBeNull();
  });
});
