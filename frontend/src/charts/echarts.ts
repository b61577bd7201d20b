// ECharts, tree-shaken to what Mirante draws. Imported only through dynamic
// import(), so it never weighs on the first route.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GraphicComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, AriaComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, GraphicComponent, AriaComponent, CanvasRenderer, SVGRenderer]);

export { echarts };
