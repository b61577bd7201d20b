// Every key in both languages (plural forms by each language's rules), the
// same interpolation variables on both sides, every key the code uses present,
// and every catalog value the UI names (operators, transforms, sources, enum
// values) translated.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ptBR } from '../src/i18n/pt-BR';
import { en } from '../src/i18n/en';

type Tree = { [k: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const langs = { 'pt-BR': flatten(ptBR as Tree), en: flatten(en as Tree) };
const base = (k: string) => k.replace(PLURAL, '');
const vars = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

/** Base keys, with each plural family's variables merged. */
function families(m: Map<string, string>) {
  const out = new Map<string, { forms: string[]; vars: Set<string> }>();
  for (const [k, v] of m) {
    const b = base(k);
    const f = out.get(b) ?? { forms: [], vars: new Set<string>() };
    if (PLURAL.test(k)) f.forms.push(k.match(PLURAL)![1]);
    vars(v).forEach((x) => f.vars.add(x));
    out.set(b, f);
  }
  return out;
}

const fam = { 'pt-BR': families(langs['pt-BR']), en: families(langs.en) };

function srcFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? srcFiles(p) : /\.(ts|tsx)$/.test(f) && !p.includes(`${join('src', 'i18n')}`) ? [p] : [];
  });
}
const root = join(__dirname, '..');
const code = srcFiles(join(root, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');

describe('i18n resources', () => {
  it('have the same keys in pt-BR and en', () => {
    const a = [...fam['pt-BR'].keys()].sort();
    const b = [...fam.en.keys()].sort();
    expect(a.filter((k) => !fam.en.has(k))).toEqual([]);
    expect(b.filter((k) => !fam['pt-BR'].has(k))).toEqual([]);
  });

  it("have every plural form each language's rules need", () => {
    for (const [lang, f] of Object.entries(fam)) {
      const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const [k, v] of f) {
        if (!v.forms.length) continue;
        for (const c of needed) expect(v.forms, `${lang} ${k}_${c}`).toContain(c);
      }
    }
  });

  it('use the same interpolation variables in both languages', () => {
    for (const [k, v] of fam['pt-BR']) {
      expect([...(fam.en.get(k)?.vars ?? [])].sort(), k).toEqual([...v.vars].sort());
    }
  });

  it('have no empty strings and no unbalanced braces', () => {
    for (const [lang, m] of Object.entries(langs)) {
      for (const [k, v] of m) {
        expect(v.trim(), `${lang} ${k}`).not.toBe('');
        expect((v.match(/\{\{/g) ?? []).length, `${lang} ${k}`).toBe((v.match(/\}\}/g) ?? []).length);
      }
    }
  });

  it('hold every literal key the code asks for', () => {
    const used = new Set([...code.matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => k.includes('.') && !fam['pt-BR'].has(k));
    expect(missing).toEqual([]);
  });

  it('name every operator, transform, grain, source and enum value of the catalog', () => {
    const dir = join(root, '..', 'shared', 'semantic', 'catalog');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    const need = new Set<string>(['transforms.share', 'transforms.yoy_pct', 'transforms.yoy_diff', 'transforms.rolling_12m']);
    for (const op of ['eq', 'neq', 'in', 'not_in', 'gte', 'lte', 'between', 'prefix']) {
      need.add(`ops.${op}`);
      need.add(`describe.op.${op}`);
    }
    for (const f of files) {
      const ds = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { source: string; grain: string; dimensions: { type: string; values?: string[] }[] };
      need.add(`sources.${ds.source}`);
      need.add(`grains.${ds.grain}`);
      for (const d of ds.dimensions) {
        if (['month', 'quarter', 'year'].includes(d.type)) need.add(`grains.${d.type}`);
        for (const v of d.values ?? []) need.add(`enumValues.${v}`);
      }
    }
    for (const s of ['ok', 'stale', 'failed', 'empty']) need.add(`admin.sourceStatuses.${s}`);
    for (const f of ['daily', 'weekly', 'monthly', 'quarterly', 'annual', 'irregular']) need.add(`admin.frequencies.${f}`);
    for (const k of ['roles.owner', 'roles.admin', 'roles.analyst', 'roles.viewer', 'charts.line', 'charts.bar', 'charts.stacked', 'charts.table', 'reports.statuses.queued', 'reports.statuses.running', 'reports.statuses.succeeded', 'reports.statuses.failed', 'lang.pt-BR', 'lang.en']) need.add(k);
    const missing = [...need].filter((k) => !fam['pt-BR'].has(k) || !fam.en.has(k));
    expect(missing).toEqual([]);
  });

  it('sign-in labels are exactly as specified', () => {
    expect(ptBR.signin.email).toBe('E-mail');
    expect(ptBR.signin.password).toBe('Senha');
    expect(ptBR.signin.submit).toBe('Entrar');
    expect(en.signin.email).toBe('E-mail');
    expect(en.signin.password).toBe('Password');
    expect(en.signin.submit).toBe('Sign in');
  });
});

describe('i18next at run time', () => {
  it('interpolates and pluralises in both languages', async () => {
    const i18n = (await import('i18next')).default.createInstance();
    await i18n.init({ resources: { 'pt-BR': { translation: ptBR }, en: { translation: en } }, lng: 'pt-BR', interpolation: { escapeValue: false }, showSupportNotice: false });
    expect(i18n.t('results.rows', { count: 1, formatted: '1' })).toBe('1 linha.');
    expect(i18n.t('results.rows', { count: 1500, formatted: '1.500' })).toBe('1.500 linhas.');
    expect(i18n.t('results.rows', { count: 2_000_000, formatted: '2.000.000' })).toBe('2.000.000 linhas.');
    expect(i18n.t('views.deleteConfirm', { name: 'X' })).toBe('Excluir a visão “X”? Esta ação não pode ser desfeita.');
    await i18n.changeLanguage('en');
    expect(i18n.t('results.rows', { count: 1, formatted: '1' })).toBe('1 row.');
    expect(i18n.t('results.rows', { count: 3, formatted: '3' })).toBe('3 rows.');
    expect(i18n.t('signin.submit')).toBe('Sign in');
  });
});
