// ECharts options from a chart model. Pure (no echarts import), so it costs
// nothing until a chart is drawn, and the same option serves the screen and
// the PNG/SVG/PDF exports (which add the title, filters, watermark and source).
import type { Locale } from '../api/types';
import { formatCompact, formatValue } from '../lib/format';
import type { ChartModel } from '../lib/results';
import type { ChartType } from '../lib/spec';

/** Colour-blind-aware palette, each at least 3:1 against white. */
export const PALETTE = ['#0b5394', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#475569', '#1d4ed8', '#9a3412'];

export interface OptionExtras {
  locale: Locale;
  /** For exports: drawn into the image. */
  title?: string;
  subtitle?: string;
  footer?: string[];
  animation?: boolean;
  /** Drawn in the middle when there is nothing to plot. */
  emptyText?: string;
}

export function buildOption(model: ChartModel, type: ChartType, x: OptionExtras): Record<string, unknown> {
  const units = model.units.length ? model.units : [''];
  const axisOf = (unit?: string) => Math.min(1, Math.max(0, units.indexOf(unit ?? '')));
  const horizontalBars = isHorizontal(model, type);
  const footerLines = x.footer ?? [];
  const top = x.title ? (x.subtitle ? 84 : 56) : 36;
  const bottom = 64 + footerLines.length * 18;
  const valueAxes = units.slice(0, 2).map((u, i) => ({
    type: 'value',
    position: horizontalBars ? (i === 0 ? 'bottom' : 'top') : i === 0 ? 'left' : 'right',
    axisLabel: { formatter: (v: number) => formatCompact(v, x.locale) + (u === '%' ? '%' : ''), color: '#334155' },
    splitLine: { show: i === 0, lineStyle: { color: '#e2e8f0' } },
  }));
  const categoryAxis = {
    type: 'category',
    data: model.categories,
    axisLabel: { color: '#334155', hideOverlap: true },
    axisTick: { alignWithLabel: true },
    boundaryGap: type !== 'line',
  };
  const series = model.series.map((s, i) => ({
    name: s.name,
    type: type === 'line' ? 'line' : 'bar',
    stack: type === 'stacked' ? `stack-${axisOf(s.unit)}` : undefined,
    data: s.data,
    [horizontalBars ? 'xAxisIndex' : 'yAxisIndex']: axisOf(s.unit),
    showSymbol: type === 'line' && model.categories.length <= 36,
    connectNulls: false,
    emphasis: { focus: 'series' },
    itemStyle: { color: PALETTE[i % PALETTE.length] },
    lineStyle: type === 'line' ? { width: 2, type: i >= PALETTE.length ? 'dashed' : 'solid' } : undefined,
  }));
  const option: Record<string, unknown> = {
    animation: x.animation ?? true,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    color: PALETTE,
    aria: { enabled: false },
    grid: { left: 16, right: 24, top, bottom, containLabel: true },
    legend: { type: 'scroll', bottom: 8 + footerLines.length * 18, textStyle: { color: '#1e293b' } },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: type === 'line' ? 'line' : 'shadow' },
      valueFormatter: undefined,
      formatter: (params: { seriesName: string; value: number | null; marker: string; axisValueLabel: string; seriesIndex: number }[]) => {
        const list = Array.isArray(params) ? params : [params];
        const head = list[0]?.axisValueLabel ?? '';
        const rows = list.map((p) => `${p.marker}${escapeHTML(p.seriesName)}: <b>${formatValue(p.value, model.series[p.seriesIndex]?.unit, x.locale)}</b>`);
        return [escapeHTML(head), ...rows].join('<br/>');
      },
    },
    xAxis: horizontalBars ? valueAxes : categoryAxis,
    yAxis: horizontalBars ? { ...categoryAxis, inverse: true } : valueAxes,
    series,
  };
  if (x.title) {
    option.title = {
      text: x.title,
      subtext: x.subtitle,
      left: 16,
      top: 12,
      textStyle: { fontSize: 18, color: '#0f172a', width: 1100, overflow: 'truncate' },
      subtextStyle: { fontSize: 12, color: '#334155', width: 1100, overflow: 'break' },
    };
  }
  if (footerLines.length) {
    option.graphic = footerLines.map((line, i) => ({
      type: 'text',
      left: 16,
      bottom: 8 + (footerLines.length - 1 - i) * 18,
      style: { text: line, fill: '#334155', font: '12px system-ui, sans-serif' },
    }));
    option.legend = { ...(option.legend as object), bottom: 12 + footerLines.length * 18 };
  }
  if (!model.series.length && x.emptyText) {
    const g = (option.graphic as object[] | undefined) ?? [];
    option.graphic = [...g, { type: 'text', left: 'center', top: 'middle', style: { text: x.emptyText, fill: '#334155', font: '16px system-ui, sans-serif' } }];
  }
  return option;
}

/** Whether the categories run down the y axis (many bars that are not time). */
export function isHorizontal(model: ChartModel, type: ChartType): boolean {
  return (type === 'bar' || type === 'stacked') && model.categories.length > 16 && !isTimeAxis(model);
}

function isTimeAxis(model: ChartModel): boolean {
  return ['month', 'quarter', 'year'].includes(model.x);
}

function escapeHTML(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
