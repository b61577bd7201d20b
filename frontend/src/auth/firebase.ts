// Firebase Auth: the emulator in development (project demo-mirante, any API
// key), the real project from VITE_FIREBASE_* at build time in production.
import { initializeApp, type FirebaseOptions } from 'firebase/app';
import { browserLocalPersistence, connectAuthEmulator, indexedDBLocalPersistence, initializeAuth, type Auth } from 'firebase/auth';

const env = import.meta.env;

export const emulatorHost: string | undefined = env.VITE_AUTH_EMULATOR_HOST || (env.DEV ? '127.0.0.1:9099' : undefined);

function options(): FirebaseOptions {
  if (emulatorHost) {
    return { apiKey: env.VITE_FIREBASE_API_KEY || 'demo-key', projectId: env.VITE_FIREBASE_PROJECT_ID || 'demo-mirante', authDomain: 'demo-mirante.firebaseapp.com' };
  }
  const o: FirebaseOptions = {
    apiKey: env.VITE_FIREBASE_API_KEY,
    authDomain: env.VITE_FIREBASE_AUTH_DOMAIN,
    projectId: env.VITE_FIREBASE_PROJECT_ID,
    appId: env.VITE_FIREBASE_APP_ID,
  };
  if (!o.apiKey || !o.projectId) {
    throw new Error('Firebase is not configured: set VITE_FIREBASE_API_KEY and VITE_FIREBASE_PROJECT_ID at build time (or VITE_AUTH_EMULATOR_HOST).');
  }
  return o;
}

let auth: Auth | undefined;

/** The app's Auth instance, created once. No popup/redirect resolver: e-mail and password only, which keeps the bundle small. */
export function getAppAuth(): Auth {
  if (!auth) {
    const app = initializeApp(options());
    auth = initializeAuth(app, { persistence: [indexedDBLocalPersistence, browserLocalPersistence] });
    if (emulatorHost) connectAuthEmulator(auth, `http://${emulatorHost}`, { disableWarnings: true });
  }
  return auth;
}
