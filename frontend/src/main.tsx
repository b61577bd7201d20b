import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import './i18n';
import './styles.css';
import { AuthProvider } from './auth/AuthProvider';
import { App } from './App';
import { ApiError } from './api/client';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      refetchOnWindowFocus: false,
      // Client errors (4xx) are answers, not glitches: no retry (a short 429
      // is retried by the client itself, api/client.ts). Server errors and
      // network failures are, after the Retry-After a 503 names. Offline,
      // queries pause and refetch on reconnect (onlineManager).
      retry: (n, e) => n < 2 && !(e instanceof ApiError && e.status < 500),
      retryDelay: (n, e) => Math.min(e instanceof ApiError && e.retryAfter !== undefined ? e.retryAfter * 1000 : 1000 * 2 ** n, 30_000),
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <App />
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
