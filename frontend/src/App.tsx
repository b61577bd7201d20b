import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth/AuthProvider';
import { useMe } from './api/hooks';
import { Shell } from './layout/Shell';
import { useHref } from './layout/nav';
import { Alert, Spinner } from './ui';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { ConnectionStatus } from './ui/OfflineBanner';
import SignIn from './pages/SignIn';
import Explore from './pages/Explore';

// Everything but sign-in and the builder is loaded on demand.
const Views = lazy(() => import('./pages/Views'));
const Dashboards = lazy(() => import('./pages/Dashboards'));
const Reports = lazy(() => import('./pages/Reports'));
const Admin = lazy(() => import('./pages/admin/Admin'));
const Invite = lazy(() => import('./pages/Invite'));

function Loading() {
  const { t } = useTranslation();
  return <Spinner label={t('common.loading')} />;
}

function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  const href = useHref();
  if (user === undefined) return <Loading />;
  if (user === null) return <Navigate to={href('/signin', { next: location.pathname + location.search })} replace />;
  return <>{children}</>;
}

function Home() {
  const me = useMe();
  const href = useHref();
  const { t } = useTranslation();
  if (me.isPending) return <Loading />;
  if (me.isError || !me.data.orgs.length) return <Alert tone="error">{t('errors.noOrgs')}</Alert>;
  return <Navigate to={href(`/o/${me.data.orgs[0].slug}/explore`)} replace />;
}

function NotFound() {
  const { t } = useTranslation();
  const href = useHref();
  return (
    <main id="main" className="main">
      <h1 id="page-title" tabIndex={-1}>
        {t('errors.pageNotFound')}
      </h1>
      <p>
        <a href={href('/')}>{t('common.home')}</a>
      </p>
    </main>
  );
}

/** The routes, behind an error boundary that starts over on every path. */
function Routed({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  return <ErrorBoundary resetKey={pathname}>{children}</ErrorBoundary>;
}

export function App() {
  return (
    <BrowserRouter>
      <ConnectionStatus />
      <Routed>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/signin" element={<SignIn />} />
            <Route path="/invite/:token" element={<Invite />} />
            <Route
              path="/"
              element={
                <RequireAuth>
                  <Home />
                </RequireAuth>
              }
            />
            <Route
              path="/o/:org"
              element={
                <RequireAuth>
                  <Shell />
                </RequireAuth>
              }
            >
              <Route index element={<Navigate to="explore" replace />} />
              <Route path="explore" element={<Explore />} />
              <Route path="views" element={<Suspense fallback={<Loading />}><Views /></Suspense>} />
              <Route path="dashboards" element={<Suspense fallback={<Loading />}><Dashboards /></Suspense>} />
              <Route path="reports" element={<Suspense fallback={<Loading />}><Reports /></Suspense>} />
              <Route path="admin/*" element={<Suspense fallback={<Loading />}><Admin /></Suspense>} />
            </Route>
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </Routed>
    </BrowserRouter>
  );
}
