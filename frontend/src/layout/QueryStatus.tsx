// How a server query that a screen waits for is going, when it is not done.
import { useTranslation } from 'react-i18next';
import { Alert, Spinner } from '../ui';
import { errorText } from './Shell';

/** A failed query's error in the user's words (by its problem type); nothing while it has not failed. */
export function QueryError({ query }: { query: { isError: boolean; error: unknown } }) {
  const { t } = useTranslation();
  return query.isError ? <Alert tone="error">{errorText(t, query.error)}</Alert> : null;
}

/** A spinner while the query loads, then its error if it failed. */
export function QueryStatus({ query }: { query: { isPending: boolean; isError: boolean; error: unknown } }) {
  const { t } = useTranslation();
  return (
    <>
      {query.isPending ? <Spinner label={t('common.loading')} /> : null}
      <QueryError query={query} />
    </>
  );
}
