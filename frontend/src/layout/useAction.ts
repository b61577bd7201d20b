// An action the user started from a form or a button.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from './Shell';

/**
 * busy holds while run's action is under way; a failure becomes error, in
 * the user's words. error stays until set again (setError also takes the
 * form's own checks).
 */
export function useAction() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
