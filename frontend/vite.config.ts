/// <reference types="vitest/config" />
import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server serves the SPA and proxies the API, so the browser sees one
// origin exactly as under Firebase Hosting (which rewrites /v1/** to Cloud Run).
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), '');
  const target = env.VITE_API_TARGET || 'http://127.0.0.1:8080';
  return {
    plugins: [react()],
    // Each stack keeps its own dependency cache (scripts/spa and the e2e stack
    // pass .data/<stack>/vite), so two dev servers never rewrite one another's.
    cacheDir: env.VITE_CACHE_DIR || 'node_modules/.vite',
    optimizeDeps: {
      // What is imported only lazily (charts, exports) is pre-bundled at start:
      // discovered on first use, it would make the optimiser re-run and answer
      // 504 to the module the page just asked for.
      include: ['echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers', 'zrender', 'fflate', 'jspdf'],
    },
    server: {
      host: '127.0.0.1',
      port: 5173,
      strictPort: true,
      proxy: {
        '/v1': { target, changeOrigin: false },
        '/healthz': { target, changeOrigin: false },
      },
    },
    preview: {
      proxy: {
        '/v1': { target, changeOrigin: false },
        '/healthz': { target, changeOrigin: false },
      },
    },
    build: {
      target: 'es2022',
      manifest: true,
      sourcemap: false,
      chunkSizeWarningLimit: 1200,
      rollupOptions: {
        output: {
          // Name the lazy ECharts chunk after what it holds (it is imported only dynamically).
          manualChunks(id) {
            if (/node_modules\/(echarts|zrender)\//.test(id)) return 'echarts';
            return undefined;
          },
        },
      },
    },
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      environment: 'node',
    },
  };
});
