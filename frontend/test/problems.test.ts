// API problems as sentences (lib/problems.ts), the client's 429 retries
// (api/client.ts) and counts grouped by locale (i18n interpolation).
import { afterEach, describe, expect, it, vi } from 'vitest';
import i18next from 'i18next';
import { ptBR } from '../src/i18n/pt-BR';
import { en } from '../src/i18n/en';
import { api, ApiError, autoRetryDelay, MAX_429_RETRIES, retryStore } from '../src/api/client';
import { bindProblem, budgetResetsAt, FIELD_KEYS, fieldKey, isChunkLoadError, PROBLEM_CODES, problemCode, problemMessages, problemText } from '../src/lib/problems';
import { formatInterpolated, formatTime } from '../src/lib/format';

type Tree = { [k: string]: string | Tree };
const lookup = (tree: Tree, path: string[]): unknown => path.reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Tree)[k] : undefined), tree);

async function translator(lng: 'pt-BR' | 'en') {
  const i = i18next.createInstance();
  await i.init({ resources: { 'pt-BR': { translation: ptBR }, en: { translation: en } }, lng, interpolation: { escapeValue: false, alwaysFormat: true, format: formatInterpolated }, showSupportNotice: false });
  return i.t.bind(i) as (k: string, o?: Record<string, unknown>) => string;
}

const problem = (status: number, body: Record<string, unknown>, retryAfter?: number) => new ApiError(status, body, undefined, retryAfter);

describe('problem types', () => {
  it('are the ones the API writes, each translated in both languages', () => {
    expect(PROBLEM_CODES).toContain('invalid');
    expect(PROBLEM_CODES).toContain('rate-limited');
    for (const c of PROBLEM_CODES) {
      for (const tree of [ptBR, en]) expect(typeof lookup(tree as Tree, ['errors', 'types', c]), c).toBe('string');
    }
  });

  it('every field the SPA names has a label in both languages', () => {
    for (const k of FIELD_KEYS) for (const tree of [ptBR, en]) expect(typeof lookup(tree as Tree, ['errors', 'fields', k]), k).toBe('string');
  });

  it('come from the type, or from the status when the answer is not ours', () => {
    expect(problemCode(problem(409, { type: 'urn:mirante:problem:conflict' }))).toBe('conflict');
    expect(problemCode(problem(404, { type: 'about:blank' }))).toBe('not-found');
    expect(problemCode(problem(502, {}))).toBe('internal');
  });

  it('read in pt-BR by type, with field messages apart from the summary', async () => {
    const t = await translator('pt-BR');
    const e = problem(400, { type: 'urn:mirante:problem:invalid', title: 'Bad Request', detail: 'x', errors: [{ field: 'filters[0].op', reason: 'operator "like" is not allowed' }] });
    const m = problemMessages(t, e, 'pt-BR');
    expect(m.summary).toBe('O pedido foi recusado: confira os campos indicados.');
    expect(m.fields).toEqual([{ field: 'filters[0].op', message: 'Valor recusado: operator "like" is not allowed', reason: 'operator "like" is not allowed' }]);
    expect(problemText(t, e, 'pt-BR')).toBe('O pedido foi recusado: confira os campos indicados. (Operador do filtro: operator "like" is not allowed)');
    expect(problemMessages(t, new TypeError('Failed to fetch'), 'pt-BR').summary).toBe('Sem conexão com o servidor.');
  });
});

describe('field keys', () => {
  it('drop indexes and fall back to the first segment', () => {
    expect(fieldKey('filters[2].values')).toBe('filters.values');
    expect(fieldKey('time.to')).toBe('time.to');
    expect(fieldKey('measures[1].transform')).toBe('measures');
    expect(fieldKey('no_such_field')).toBeNull();
  });
});

describe('bindProblem', () => {
  it('places each field message once: beside the most specific control, or in rest', async () => {
    const t = await translator('pt-BR');
    const m = {
      summary: 'S',
      fields: [
        { field: 'filters[0].op', message: 'a', reason: 'ra' },
        { field: 'time.to', message: 'b', reason: 'rb' },
        { field: 'email', message: 'c', reason: 'rc' },
        { field: 'filtersX', message: 'd', reason: 'rd' },
      ],
    };
    const b = bindProblem(t, m, ['filters', 'filters[0]', 'time'])!;
    expect(b.byControl).toEqual({ 'filters[0]': 'a', time: 'b' });
    expect(b.rest).toEqual(['E-mail: rc', 'filtersX: rd']);
    expect(bindProblem(t, null, ['x'])).toBeNull();
  });
});

describe('non-additive refusal', () => {
  it("explains a forbidden sum in the UI's language, and leaves other reasons as the API wrote them", async () => {
    const body = {
      type: 'urn:mirante:problem:invalid',
      title: 'invalid',
      non_additive: 'flow',
      errors: [
        { field: 'config.dimensions', reason: 'flow: export and import cannot be added together' },
        { field: 'name', reason: 'required' },
      ],
    };
    const pt = problemMessages(await translator('pt-BR'), problem(400, body), 'pt-BR');
    expect(pt.fields[0].reason).toBe('“flow” não pode ser somado entre seus valores: agrupe por essa dimensão ou filtre um único valor.');
    expect(pt.fields[1].reason).toBe('required');
    const enM = problemMessages(await translator('en'), problem(400, body), 'en');
    expect(enM.fields[0].reason).toMatch(/^“flow” cannot be added up/);
    const plain = problemMessages(await translator('pt-BR'), problem(400, { ...body, non_additive: undefined }), 'pt-BR');
    expect(plain.fields[0].reason).toBe('flow: export and import cannot be added together');
  });
});

describe('budget refusal', () => {
  it('says when the budget comes back as HH:MM in local time, not seconds', async () => {
    const t = await translator('pt-BR');
    const resets = '2026-12-08T03:00:00Z';
    const e = problem(429, { type: 'urn:mirante:problem:rate-limited', detail: 'budget spent', resets_at: resets, retry_after_s: 40000 }, 40000);
    expect(budgetResetsAt(e)?.toISOString()).toBe('2026-12-08T03:00:00.000Z');
    const text = problemText(t, e, 'pt-BR');
    expect(text).toBe(`Orçamento de dados do dia esgotado, volta às ${formatTime(resets, 'pt-BR')}.`);
    expect(text).not.toContain('40000');
    expect(formatTime(resets, 'pt-BR', 'America/Sao_Paulo')).toBe('00:00');
    expect(formatTime('2026-12-08T17:05:00Z', 'en', 'America/Sao_Paulo')).toBe('14:05');
  });

  it('a request burst still reads in seconds', async () => {
    const t = await translator('pt-BR');
    expect(problemText(t, problem(429, { type: 'urn:mirante:problem:rate-limited', bucket: 'queries' }, 3), 'pt-BR')).toBe('Muitas requisições. Tente de novo em 3 s.');
  });
});

describe('chunk load errors', () => {
  it('are told apart from other errors', () => {
    expect(isChunkLoadError(new TypeError('Failed to fetch dynamically imported module: http://x/src/pages/Views.tsx'))).toBe(true);
    expect(isChunkLoadError(new TypeError('error loading dynamically imported module'))).toBe(true);
    expect(isChunkLoadError(new Error('Cannot read properties of undefined'))).toBe(false);
  });
});

describe('counts in sentences', () => {
  it('are grouped by locale', async () => {
    expect((await translator('pt-BR'))('results.partial', { count: 10000 })).toBe('Mostrando 10.000 linhas; a resposta tem mais.');
    expect((await translator('en'))('results.partial', { count: 10000 })).toBe('Showing 10,000 rows; the answer has more.');
    expect((await translator('pt-BR'))('errors.types.rate-limited', { seconds: 2024 })).toContain('2024');
  });
});

describe('429 retries', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const tooMany = (retryAfter: string, body: Record<string, unknown> = { type: 'urn:mirante:problem:rate-limited', bucket: 'queries' }) =>
    new Response(JSON.stringify(body), { status: 429, headers: { 'Retry-After': retryAfter, 'Content-Type': 'application/problem+json' } });
  const ok = () => new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'Content-Type': 'application/json' } });

  it('are only for short waits on requests safe to repeat, at most twice', () => {
    const e = problem(429, {}, 2);
    expect(autoRetryDelay(e, {}, 0)).toBe(2);
    expect(autoRetryDelay(e, { method: 'POST' }, 0)).toBeNull();
    expect(autoRetryDelay(e, { method: 'POST', headers: { 'Idempotency-Key': 'k' } }, 0)).toBe(2);
    expect(autoRetryDelay(e, { method: 'POST', idempotent: true }, 0)).toBe(2);
    expect(autoRetryDelay(e, {}, MAX_429_RETRIES)).toBeNull();
    expect(autoRetryDelay(problem(429, { resets_at: '2026-12-08T03:00:00Z' }, 1), {}, 0)).toBeNull();
    expect(autoRetryDelay(problem(429, {}, 3600), {}, 0)).toBeNull();
    expect(autoRetryDelay(problem(503, {}, 1), {}, 0)).toBeNull();
  });

  it('wait out Retry-After, announce the wait, then succeed', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn().mockResolvedValueOnce(tooMany('1')).mockResolvedValueOnce(ok());
    vi.stubGlobal('fetch', fetchMock);
    const p = api<{ ok: boolean }>('/v1/me');
    await vi.waitFor(() => expect(retryStore.snapshot()).toHaveLength(1));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await p).data).toEqual({ ok: true });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(retryStore.snapshot()).toHaveLength(0);
  });

  it('give up after two retries with the last 429', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn().mockImplementation(async () => tooMany('1'));
    vi.stubGlobal('fetch', fetchMock);
    const p = api('/v1/me');
    const caught = p.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5000);
    const e = await caught;
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(429);
    expect(fetchMock).toHaveBeenCalledTimes(1 + MAX_429_RETRIES);
  });

  it('never repeat a POST without an Idempotency-Key', async () => {
    const fetchMock = vi.fn().mockImplementation(async () => tooMany('1'));
    vi.stubGlobal('fetch', fetchMock);
    await expect(api('/v1/orgs/x/views', { method: 'POST', body: {} })).rejects.toBeInstanceOf(ApiError);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
