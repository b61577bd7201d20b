// API problems on a form: useProblem places each field message beside the
// control that caused it; ProblemAlert shows the summary and whatever no
// control of the screen took, so every message appears exactly once.
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { bindProblem, problemMessages, type BoundProblem } from '../lib/problems';
import { Alert } from './index';

/**
 * The problem of error bound to the screen's controls (names as the API
 * spells its fields: "email", "time.to", "filters[0]"). null while there is no
 * error. Pass problem.byControl[name] as the control's error (TextField and
 * SelectField's error prop, or FieldError with aria-describedby).
 */
export function useProblem(error: unknown, controls: readonly string[]): BoundProblem | null {
  const { t, i18n } = useTranslation();
  const key = controls.join('\u0000');
  return useMemo(
    () => (error ? bindProblem(t, problemMessages(t, error, i18n.language), key ? key.split('\u0000') : []) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [error, t, i18n.language, key],
  );
}

/** A field's error under a control that is not a TextField or SelectField; point the control's aria-describedby at id. */
export function FieldError({ id, message }: { id: string; message?: string | null }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}

/** The problem's summary, with the field messages that no control took. */
export function ProblemAlert({ problem, action }: { problem: BoundProblem | null; action?: ReactNode }) {
  if (!problem || (!problem.summary && !problem.rest.length)) return null;
  return (
    <Alert tone="error" title={problem.summary || undefined} action={action}>
      {problem.rest.length ? (
        <ul>
          {problem.rest.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
