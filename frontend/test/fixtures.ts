import type { DatasetInfo, SourceInfo } from '../src/api/types';

const ops = {
  time: ['eq', 'in', 'gte', 'lte', 'between'],
  cat: ['eq', 'neq', 'in', 'not_in'],
  code: ['eq', 'neq', 'in', 'not_in', 'prefix'],
} as const;

export const comex: DatasetInfo = {
  id: 'comex_monthly',
  title: { 'pt-BR': 'Comércio exterior mensal (Comex Stat)', en: 'Monthly foreign trade (Comex Stat)' },
  scope: 'public',
  source: 'comex',
  grain: 'month',
  time: 'month',
  indicator_version: '2026.1',
  watermark: '2025-09',
  per_capita: true,
  limits: { max_dimensions: 4, max_span_months: 180, max_rows: 5000 },
  dimensions: [
    { id: 'month', type: 'month', title: { 'pt-BR': 'Mês', en: 'Month' }, operators: [...ops.time] },
    { id: 'quarter', type: 'quarter', title: { 'pt-BR': 'Trimestre', en: 'Quarter' }, operators: [...ops.time] },
    { id: 'year', type: 'year', title: { 'pt-BR': 'Ano', en: 'Year' }, operators: [...ops.time] },
    { id: 'flow', type: 'enum', title: { 'pt-BR': 'Fluxo', en: 'Flow' }, operators: [...ops.cat], values: ['export', 'import'], additive: false },
    { id: 'uf', type: 'uf', title: { 'pt-BR': 'UF', en: 'State' }, operators: [...ops.cat] },
    { id: 'region', type: 'region', title: { 'pt-BR': 'Região', en: 'Region' }, operators: [...ops.cat] },
    { id: 'ncm', type: 'code', title: { 'pt-BR': 'NCM', en: 'NCM' }, operators: [...ops.code], label: 'ncm_name' },
    { id: 'country', type: 'code', title: { 'pt-BR': 'País', en: 'Country' }, operators: [...ops.code], label: 'country_name' },
  ],
  measures: [
    { id: 'vl_fob_usd', title: { 'pt-BR': 'Valor FOB (US$)', en: 'FOB value (US$)' }, unit: 'USD', format: 'currency', transforms: ['share', 'yoy_pct', 'yoy_diff', 'rolling_12m'], real: false },
    { id: 'kg_liquido', title: { 'pt-BR': 'Peso líquido (kg)', en: 'Net weight (kg)' }, unit: 'kg', format: 'number', transforms: ['share', 'yoy_pct', 'yoy_diff', 'rolling_12m'], real: false },
  ],
};

export const siconfi: DatasetInfo = {
  id: 'siconfi_annual',
  title: { 'pt-BR': 'Finanças municipais (Siconfi/FINBRA)', en: 'Municipal public finance (Siconfi/FINBRA)' },
  scope: 'public',
  source: 'siconfi',
  grain: 'year',
  time: 'year',
  indicator_version: '2026.1',
  watermark: '2024',
  per_capita: true,
  limits: { max_dimensions: 3, max_span_months: 240, max_rows: 10000 },
  dimensions: [
    { id: 'year', type: 'year', title: { 'pt-BR': 'Ano', en: 'Year' }, operators: [...ops.time] },
    { id: 'municipio', type: 'municipio', title: { 'pt-BR': 'Município', en: 'Municipality' }, operators: [...ops.code], label: 'municipio_nome' },
    { id: 'uf', type: 'uf', title: { 'pt-BR': 'UF', en: 'State' }, operators: [...ops.cat] },
    { id: 'account', type: 'string', title: { 'pt-BR': 'Conta', en: 'Account' }, operators: [...ops.cat], additive: false },
  ],
  measures: [{ id: 'value_brl', title: { 'pt-BR': 'Valor (R$)', en: 'Value (R$)' }, unit: 'BRL', format: 'currency', transforms: ['share', 'yoy_pct', 'yoy_diff'], real: true }],
};

const TERRITORY_LOAD = 'load ibge_territorio first: make ingest SOURCE=ibge_territorio FILE=<the IBGE RELATORIO_DTB_BRASIL_MUNICIPIO CSV> (…)';

/** Entries of GET /v1/sources as the API answers them: published, landed and skipped rows, and requirements. */
export const sourceCatalog: SourceInfo[] = [
  { id: 'ibge_territorio', title: 'IBGE — Divisão Territorial Brasileira', owner: 'IBGE', frequency: 'annual', sla: '400 days', status: 'ok', synthetic: false, rows_loaded: 5571, rows_landed: 5571, rows_skipped: 0, past_sla: false },
  {
    id: 'pib_municipal',
    title: 'PIB dos Municípios',
    owner: 'IBGE',
    frequency: 'annual',
    sla: '760 days',
    status: 'ok',
    synthetic: false,
    rows_loaded: 122466,
    rows_landed: 122466,
    rows_skipped: 27,
    requires: [{ source: 'ibge_territorio', load: TERRITORY_LOAD }],
    past_sla: false,
  },
  {
    id: 'comex',
    title: 'Comex Stat — exportações e importações',
    owner: 'MDIC/SECEX',
    frequency: 'monthly',
    sla: '45 days',
    status: 'ok',
    synthetic: false,
    rows_loaded: 1000,
    rows_landed: 1000,
    rows_skipped: 0,
    requires: [
      { source: 'ibge_territorio', for: ['mun'], load: TERRITORY_LOAD },
      { source: 'comex', layouts: ['aux_ncm', 'aux_ncm_sh', 'aux_pais', 'aux_uf', 'aux_urf'], for: ['ncm', 'mun'], names_only: true, load: 'load comex aux_ncm or aux_ncm_sh or aux_pais or aux_uf or aux_urf first: make ingest SOURCE=comex FILE=<NCM.csv, NCM_SH.csv, PAIS.csv, UF.csv or URF.csv> (…)' },
    ],
    past_sla: false,
  },
  // Never loaded: no counts, no requirements.
  { id: 'antaq', title: 'ANTAQ — Estatístico Aquaviário', owner: 'ANTAQ', frequency: 'monthly', sla: '75 days', status: 'empty', synthetic: false, past_sla: false },
];
