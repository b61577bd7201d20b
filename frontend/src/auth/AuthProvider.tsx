import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onIdTokenChanged, signInWithEmailAndPassword, signOut as fbSignOut, type User } from 'firebase/auth';
import { useQueryClient } from '@tanstack/react-query';
import { getAppAuth } from './firebase';
import { setTokenSource } from '../api/client';

interface AuthState {
  /** undefined while Firebase restores the session. */
  user: User | null | undefined;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const Ctx = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [configError, setConfigError] = useState<string | null>(null);
  const qc = useQueryClient();

  useEffect(() => {
    let auth: ReturnType<typeof getAppAuth>;
    try {
      auth = getAppAuth();
    } catch (e) {
      setConfigError(e instanceof Error ? e.message : String(e));
      return;
    }
    // getIdToken() returns the cached token and refreshes it silently when it is about to expire.
    setTokenSource(
      async (force) => (auth.currentUser ? auth.currentUser.getIdToken(force) : null),
      () => void fbSignOut(auth),
    );
    return onIdTokenChanged(auth, (u) => setUser(u));
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    qc.clear();
    await signInWithEmailAndPassword(getAppAuth(), email, password);
  }, [qc]);

  const signOut = useCallback(async () => {
    await fbSignOut(getAppAuth());
    qc.clear();
  }, [qc]);

  const value = useMemo(() => ({ user, signIn, signOut }), [user, signIn, signOut]);
  if (configError) {
    return (
      <main id="main" className="main">
        <h1>Mirante</h1>
        <p role="alert">{configError}</p>
      </main>
    );
  }
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
