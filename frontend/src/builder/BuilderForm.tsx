// The builder's form: every control is a labelled native control or an ARIA
// combobox, in reading order, so the whole builder works by keyboard.
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DatasetInfo, DimensionInfo, Filter, Grain, Locale, Op, Transform } from '../api/types';
import { isRequiredFilter, repairSpec, type BuilderAction } from '../lib/builder';
import { effectiveDimensions, hasBRLMeasure, isListOp, splitMeasure, timeDimensionIds, CHART_TYPES, MAX_TOP_N, type ExploreState } from '../lib/spec';
import { formatInteger, formatPeriod, pickText } from '../lib/format';
import { AddRow, Badge, Button, CheckboxField, Fieldset, SelectField, TextField } from '../ui';
import { Combobox } from '../ui/Combobox';
import { useValues } from '../api/hooks';

interface Props {
  org: string;
  datasets: DatasetInfo[];
  ds?: DatasetInfo;
  state: ExploreState;
  dispatch: (a: BuilderAction) => void;
  locale: Locale;
}

export function BuilderForm({ org, datasets, ds, state, dispatch, locale }: Props) {
  const { t } = useTranslation();
  const spec = state.spec;
  // A link or a saved view may lack the one value a non-additive dimension needs: ask for it before anything runs.
  const needsRepair = !!ds && ds.id === spec.dataset && repairSpec(spec, ds) !== spec;
  useEffect(() => {
    if (needsRepair) dispatch({ type: 'repair' });
  }, [needsRepair, dispatch]);
  return (
    <form className="builder" aria-label={t('explore.builder')} onSubmit={(e) => e.preventDefault()}>
      <SelectField
        label={t('explore.dataset')}
        value={spec.dataset}
        placeholder={t('explore.chooseDataset')}
        options={datasets.map((d) => ({ value: d.id, label: pickText(d.title, locale, d.id) }))}
        onChange={(e) => {
          const next = datasets.find((d) => d.id === e.target.value);
          if (next) dispatch({ type: 'setDataset', dataset: next });
        }}
        hint={ds ? pickText(ds.description, locale) : undefined}
      />
      {ds ? (
        <>
          <MeasuresEditor ds={ds} measures={spec.measures} dispatch={dispatch} locale={locale} />
          <TimeEditor ds={ds} state={state} dispatch={dispatch} locale={locale} />
          <DimensionsEditor ds={ds} state={state} dispatch={dispatch} locale={locale} />
          <FiltersEditor org={org} ds={ds} state={state} dispatch={dispatch} locale={locale} />
          <OrderEditor ds={ds} state={state} dispatch={dispatch} locale={locale} />
          <ValuesEditor ds={ds} state={state} dispatch={dispatch} />
          <ChartPicker state={state} dispatch={dispatch} />
        </>
      ) : null}
    </form>
  );
}

function MeasuresEditor({ ds, measures, dispatch, locale }: { ds: DatasetInfo; measures: string[]; dispatch: Props['dispatch']; locale: Locale }) {
  const { t } = useTranslation();
  const available = ds.measures.filter((m) => !measures.some((r) => r === m.id));
  return (
    <Fieldset legend={t('explore.measures')}>
      {measures.length === 0 ? <p className="field-hint">{t('explore.noMeasures')}</p> : null}
      <ul className="stack-list">
        {measures.map((ref) => {
          const { id, transform } = splitMeasure(ref);
          const m = ds.measures.find((x) => x.id === id);
          const title = m ? pickText(m.title, locale, id) : id;
          return (
            <li key={ref} className="filter-item">
              <div className="filter-head">
                <span className="row-item-title">{title}</span>
                <Button size="sm" variant="ghost" onClick={() => dispatch({ type: 'removeMeasure', ref })} aria-label={t('explore.removeMeasure', { measure: title })}>
                  {t('common.remove')}
                </Button>
              </div>
              <SelectField
                label={t('explore.transformOf', { measure: title })}
                hideLabel
                className="field-inline"
                value={transform ?? ''}
                options={[{ value: '', label: t('transforms.none') }, ...(m?.transforms ?? []).map((tr) => ({ value: tr, label: t(`transforms.${tr}`) }))]}
                onChange={(e) => dispatch({ type: 'setTransform', ref, transform: e.target.value as Transform | '' })}
              />
            </li>
          );
        })}
      </ul>
      {available.length && measures.length < 8 ? (
        <AddRow label={t('explore.addMeasure')} placeholder={t('explore.choose')} options={available.map((m) => ({ value: m.id, label: pickText(m.title, locale, m.id) }))} onAdd={(id) => dispatch({ type: 'addMeasure', id })} />
      ) : null}
    </Fieldset>
  );
}

function TimeEditor({ ds, state, dispatch, locale }: { ds: DatasetInfo; state: ExploreState; dispatch: Props['dispatch']; locale: Locale }) {
  const { t } = useTranslation();
  const monthly = ds.time === 'month';
  const time = state.spec.time ?? {};
  const grains = timeDimensionIds(ds) as Grain[];
  // Both ends of the range take a month, or a year as a number.
  const period = monthly ? { type: 'month', placeholder: 'AAAA-MM' } : { type: 'number', min: 1990, max: 2100, placeholder: 'AAAA' };
  return (
    <Fieldset legend={t('explore.time')}>
      <div className="grid-2">
        <TextField label={t('explore.from')} {...period} value={time.from ?? ''} onChange={(e) => dispatch({ type: 'setTime', from: e.target.value })} />
        <TextField label={t('explore.to')} {...period} value={time.to ?? ''} onChange={(e) => dispatch({ type: 'setTime', to: e.target.value })} />
      </div>
      <SelectField
        label={t('explore.grain')}
        value={time.grain ?? ''}
        options={[{ value: '', label: t('grains.none') }, ...grains.map((g) => ({ value: g, label: t(`grains.${g}`) }))]}
        onChange={(e) => dispatch({ type: 'setGrain', grain: e.target.value as Grain | '' })}
        hint={ds.watermark ? t('explore.dataUntil', { period: formatPeriod(ds.watermark, locale) }) : t('explore.noDataYet')}
      />
    </Fieldset>
  );
}

function DimensionsEditor({ ds, state, dispatch, locale }: { ds: DatasetInfo; state: ExploreState; dispatch: Props['dispatch']; locale: Locale }) {
  const { t } = useTranslation();
  const timeIds = timeDimensionIds(ds);
  const dims = (state.spec.dimensions ?? []).filter((d) => !timeIds.includes(d));
  const used = effectiveDimensions(state.spec).length;
  const max = ds.limits.max_dimensions;
  const available = ds.dimensions.filter((d) => !timeIds.includes(d.id) && !dims.includes(d.id));
  const full = used >= max;
  return (
    <Fieldset legend={t('explore.dimensions')}>
      <p className="field-hint" id="dims-limit">
        {t('explore.maxDimensions', { used, max })}
      </p>
      <ul className="stack-list">
        {dims.map((id) => {
          const d = ds.dimensions.find((x) => x.id === id);
          const title = d ? pickText(d.title, locale, id) : id;
          return (
            <li key={id} className="row-item">
              <span className="row-item-title">{title}</span>
              <Button size="sm" variant="ghost" onClick={() => dispatch({ type: 'removeDimension', id })} aria-label={t('explore.removeDimension', { dimension: title })}>
                {t('common.remove')}
              </Button>
            </li>
          );
        })}
      </ul>
      {available.length ? (
        <AddRow
          label={t('explore.addDimension')}
          placeholder={t('explore.choose')}
          disabled={full}
          describedBy="dims-limit"
          options={available.map((d) => ({ value: d.id, label: pickText(d.title, locale, d.id) }))}
          onAdd={(id) => dispatch({ type: 'addDimension', id })}
        />
      ) : null}
    </Fieldset>
  );
}

function FiltersEditor({ org, ds, state, dispatch, locale }: { org: string; ds: DatasetInfo; state: ExploreState; dispatch: Props['dispatch']; locale: Locale }) {
  const { t } = useTranslation();
  const filters: Filter[] = state.spec.filters ?? [];
  const full = effectiveDimensions(state.spec).length >= ds.limits.max_dimensions;
  return (
    <Fieldset legend={t('explore.filters')}>
      {filters.length === 0 ? <p className="field-hint">{t('explore.noFilters')}</p> : null}
      <ul className="stack-list">
        {filters.map((f, i) => (
          <li key={`${f.field}-${i}`} className="filter-item">
            <FilterRow
              source={{ org, ds, dim: ds.dimensions.find((d) => d.id === f.field), locale }}
              filter={f}
              onOp={(op) => dispatch({ type: 'setFilterOp', index: i, op })}
              onValue={(value) => dispatch({ type: 'setFilterValue', index: i, value })}
              onRemove={() => dispatch({ type: 'removeFilter', index: i })}
              required={isRequiredFilter(state.spec, ds, f.field)}
              onGroup={full ? undefined : () => dispatch({ type: 'addDimension', id: f.field })}
            />
          </li>
        ))}
      </ul>
      <AddRow label={t('explore.addFilter')} placeholder={t('explore.choose')} options={ds.dimensions.map((d) => ({ value: d.id, label: pickText(d.title, locale, d.id) }))} onAdd={(field) => dispatch({ type: 'addFilter', field })} />
    </Fieldset>
  );
}

/** Where a filter's values come from: the org's dataset and its dimension (unknown to a stale link), named in locale. */
export interface FilterSource {
  org: string;
  ds: DatasetInfo;
  dim?: DimensionInfo;
  locale: Locale;
}

/** One filter: field, operator from the dataset's operators, value(s) from a searchable picker. Shared with the dashboard's filters. */
export function FilterRow({
  source,
  filter,
  onOp,
  onValue,
  onRemove,
  required,
  onGroup,
}: {
  source: FilterSource;
  filter: Filter;
  onOp: (op: Op) => void;
  onValue: (v: string | string[]) => void;
  onRemove: () => void;
  /** The dimension's values must not be summed: the filter keeps one value and cannot be removed. */
  required?: boolean;
  /** Offered with required: group by the dimension instead of choosing one value. */
  onGroup?: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const { dim } = source;
  const title = dim ? pickText(dim.title, source.locale, dim.id) : filter.field;
  const isTime = !!dim && ['month', 'quarter', 'year'].includes(dim.type);
  const ops = (dim?.operators ?? [filter.op]).filter((op) => !required || op === 'eq' || op === 'in');
  return (
    <div className="filter-row" role="group" aria-labelledby={`${id}-title`} aria-describedby={required ? `${id}-required` : undefined}>
      <div className="filter-head">
        <span id={`${id}-title`} className="row-item-title">
          {title}
          {required ? (
            <>
              {' '}
              <Badge tone="info">{t('explore.required')}</Badge>
            </>
          ) : null}
        </span>
        {required ? null : (
          <Button size="sm" variant="ghost" onClick={onRemove} aria-label={t('explore.removeFilter', { field: title })}>
            {t('common.remove')}
          </Button>
        )}
      </div>
      {required ? (
        <p className="field-hint" id={`${id}-required`}>
          {t('explore.requiredFilterHint', { field: title })}
        </p>
      ) : null}
      <SelectField
        label={t('explore.operatorOf', { field: title })}
        hideLabel
        value={filter.op}
        options={ops.map((op) => ({ value: op, label: t(`ops.${op}`) }))}
        onChange={(e) => onOp(e.target.value as Op)}
      />
      {filter.op === 'between' ? (
        <div className="grid-2">
          <ValuePicker {...source} isTime={isTime} label={t('explore.betweenFrom', { field: title })} value={(filter.value as string[])[0] ?? ''} onChange={(v) => onValue([String(v), (filter.value as string[])[1] ?? ''])} />
          <ValuePicker {...source} isTime={isTime} label={t('explore.betweenTo', { field: title })} value={(filter.value as string[])[1] ?? ''} onChange={(v) => onValue([(filter.value as string[])[0] ?? '', String(v)])} />
        </div>
      ) : (
        <ValuePicker
          {...source}
          isTime={isTime}
          label={filter.op === 'prefix' ? t('explore.prefixOf', { field: title }) : isListOp(filter.op) ? t('explore.valuesOf', { field: title }) : t('explore.valueOf', { field: title })}
          value={filter.value}
          multiple={isListOp(filter.op)}
          onChange={onValue}
          free={filter.op === 'prefix'}
          fillFirst={required}
        />
      )}
      {required && onGroup ? (
        <Button size="sm" onClick={onGroup}>
          {t('explore.groupByInstead', { field: title })}
        </Button>
      ) : null}
    </div>
  );
}

/** Closed sets the server validates against (shared/semantic/spec.go): no need to ask for them. */
const UFS = ['AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA', 'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO'];
const REGIONS = ['Norte', 'Nordeste', 'Sudeste', 'Sul', 'Centro-Oeste'];

/** A filter's value(s): the dimension's closed set, or the warehouse's values searched as the user types (none for a prefix, which is free text). */
function ValuePicker({
  org,
  ds,
  dim,
  locale,
  isTime,
  free,
  fillFirst,
  ...combo
}: FilterSource & {
  label: string;
  value: string | string[];
  onChange: (v: string | string[]) => void;
  multiple?: boolean;
  isTime: boolean;
  free?: boolean;
  /** A required value: left empty, it takes the first option (an account, a metric) rather than wait. */
  fillFirst?: boolean;
}) {
  const { value, onChange, multiple } = combo;
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const staticValues = dim?.values ?? (dim?.type === 'uf' ? UFS : dim?.type === 'region' ? REGIONS : undefined);
  const remote = useValues(org, ds.id, dim?.id ?? '', q, !staticValues && !free);
  const options = staticValues
    ? staticValues.map((v) => ({ value: v, label: t(`enumValues.${v}`, { defaultValue: v }) }))
    : (remote.data ?? []).filter((r) => r.value !== null).map((r) => ({ value: String(r.value), label: r.label ? `${r.label} (${r.value})` : isTime ? formatPeriod(String(r.value), locale) : String(r.value) }));
  const empty = Array.isArray(value) ? value.length === 0 : value === '';
  const first = options[0]?.value;
  useEffect(() => {
    if (fillFirst && empty && first !== undefined && q === '') onChange(multiple ? [first] : first);
  }, [fillFirst, empty, first, q, multiple, onChange]);
  return (
    <Combobox
      {...combo}
      options={options}
      onSearch={staticValues || free ? undefined : setQ}
      loading={!staticValues && !free && remote.isFetching}
      hint={remote.isError ? t('explore.valuesUnavailable') : isTime ? t('explore.timeValueHint') : undefined}
    />
  );
}

function OrderEditor({ ds, state, dispatch, locale }: { ds: DatasetInfo; state: ExploreState; dispatch: Props['dispatch']; locale: Locale }) {
  const { t } = useTranslation();
  const spec = state.spec;
  const fields = [
    ...effectiveDimensions(spec).map((id) => ({ value: id, label: pickText(ds.dimensions.find((d) => d.id === id)?.title, locale, id) })),
    ...spec.measures.map((ref) => {
      const { id, transform } = splitMeasure(ref);
      const base = pickText(ds.measures.find((m) => m.id === id)?.title, locale, id);
      return { value: ref, label: transform ? `${base} — ${t(`transforms.${transform}`)}` : base };
    }),
  ];
  const first = spec.order?.[0];
  return (
    <Fieldset legend={t('explore.orderAndLimit')}>
      <div className="grid-2">
        <SelectField
          label={t('explore.orderBy')}
          value={first?.field ?? ''}
          options={[{ value: '', label: t('explore.defaultOrder') }, ...fields]}
          onChange={(e) => (e.target.value ? dispatch({ type: 'setOrder', field: e.target.value, dir: first?.dir ?? 'desc' }) : dispatch({ type: 'clearOrder' }))}
        />
        <SelectField
          label={t('explore.direction')}
          value={first?.dir ?? 'asc'}
          disabled={!first}
          options={[
            { value: 'asc', label: t('explore.asc') },
            { value: 'desc', label: t('explore.desc') },
          ]}
          onChange={(e) => first && dispatch({ type: 'setOrder', field: first.field, dir: e.target.value as 'asc' | 'desc' })}
        />
      </div>
      <TextField
        label={t('explore.limit')}
        type="number"
        inputMode="numeric"
        min={1}
        max={ds.limits.max_rows}
        value={spec.limit ?? ''}
        placeholder={String(Math.min(1000, ds.limits.max_rows))}
        hint={t('explore.limitHint', { max: formatInteger(ds.limits.max_rows, locale) })}
        onChange={(e) => dispatch({ type: 'setLimit', limit: e.target.value ? Number(e.target.value) : undefined })}
      />
      <TopEditor ds={ds} state={state} dispatch={dispatch} locale={locale} />
    </Fieldset>
  );
}

/** Top N per series: keeps the N largest values of one dimension in each period (and combination of the others). */
function TopEditor({ ds, state, dispatch, locale }: { ds: DatasetInfo; state: ExploreState; dispatch: Props['dispatch']; locale: Locale }) {
  const { t } = useTranslation();
  const spec = state.spec;
  const timeIds = timeDimensionIds(ds);
  const fields = (spec.dimensions ?? []).filter((d) => !timeIds.includes(d));
  if (!fields.length) return null;
  const top = spec.top;
  return (
    <div className="grid-2">
      <SelectField
        label={t('explore.topBy')}
        value={top?.field ?? ''}
        options={[{ value: '', label: t('explore.topNone') }, ...fields.map((id) => ({ value: id, label: pickText(ds.dimensions.find((d) => d.id === id)?.title, locale, id) }))]}
        onChange={(e) => dispatch({ type: 'setTop', field: e.target.value })}
        hint={t('explore.topHint')}
      />
      <TextField
        label={t('explore.topN')}
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_TOP_N}
        disabled={!top}
        value={top?.n ?? ''}
        placeholder="10"
        onChange={(e) => top && e.target.value && dispatch({ type: 'setTop', field: top.field, n: Number(e.target.value) })}
      />
    </div>
  );
}

function ValuesEditor({ ds, state, dispatch }: { ds: DatasetInfo; state: ExploreState; dispatch: Props['dispatch'] }) {
  const { t } = useTranslation();
  const spec = state.spec;
  const brl = hasBRLMeasure(spec, ds);
  const defaultBase = /^\d{4}-\d{2}$/.test(ds.watermark) ? ds.watermark : /^\d{4}$/.test(ds.watermark) ? `${ds.watermark}-12` : new Date().toISOString().slice(0, 7);
  if (!brl && !ds.per_capita) return null;
  return (
    <Fieldset legend={t('explore.valueOptions')}>
      {brl ? (
        <>
          <fieldset className="fieldset-plain">
            <legend className="field-label">{t('explore.valuesMode')}</legend>
            <label className="radio">
              <input type="radio" name="values-mode" checked={!spec.real} onChange={() => dispatch({ type: 'setReal', base: null })} />
              {t('explore.nominal')}
            </label>
            <label className="radio">
              <input type="radio" name="values-mode" checked={!!spec.real} onChange={() => dispatch({ type: 'setReal', base: defaultBase })} />
              {t('explore.real')}
            </label>
          </fieldset>
          {spec.real ? <TextField label={t('explore.realBase')} type="month" value={spec.real.base} placeholder="AAAA-MM" onChange={(e) => dispatch({ type: 'setReal', base: e.target.value || defaultBase })} hint={t('explore.realHint')} /> : null}
        </>
      ) : null}
      {ds.per_capita ? <CheckboxField label={t('explore.perCapita')} hint={t('explore.perCapitaHint')} checked={!!spec.per_capita} onChange={(e) => dispatch({ type: 'setPerCapita', on: e.target.checked })} /> : null}
    </Fieldset>
  );
}

function ChartPicker({ state, dispatch }: { state: ExploreState; dispatch: Props['dispatch'] }) {
  const { t } = useTranslation();
  return (
    <Fieldset legend={t('explore.chart')}>
      <div className="radio-row" role="presentation">
        {CHART_TYPES.map((c) => (
          <label key={c} className="radio">
            <input type="radio" name="chart-type" value={c} checked={state.chart === c} onChange={() => dispatch({ type: 'setChart', chart: c })} />
            {t(`charts.${c}`)}
          </label>
        ))}
      </div>
    </Fieldset>
  );
}
