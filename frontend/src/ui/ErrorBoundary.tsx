// Route-level error boundary: a chunk that fails to load (a deploy replaced
// it, or the connection dropped) or a render error shows a message with a
// reload button instead of a blank page. resetKey (the route) clears it.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isChunkLoadError } from '../lib/problems';
import { Button } from './index';

function Fallback({ chunk }: { chunk: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="error-screen" role="alert">
      <h1 id="page-title" tabIndex={-1}>
        {chunk ? t('errors.chunkTitle') : t('errors.renderTitle')}
      </h1>
      <p>{chunk ? t('errors.chunkBody') : t('errors.renderBody')}</p>
      <Button variant="primary" onClick={() => window.location.reload()}>
        {t('errors.reload')}
      </Button>
    </div>
  );
}

interface Props {
  children: ReactNode;
  /** When it changes (e.g. the path), a shown error is cleared and children render again. */
  resetKey?: string;
}

export class ErrorBoundary extends Component<Props, { error: unknown; key?: string }> {
  state: { error: unknown; key?: string } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: { error: unknown; key?: string }) {
    if (props.resetKey !== state.key) return { key: props.resetKey, error: state.key === undefined ? state.error : null };
    return null;
  }

  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('render error', error, info.componentStack);
  }

  render() {
    if (this.state.error) return <Fallback chunk={isChunkLoadError(this.state.error)} />;
    return this.props.children;
  }
}
