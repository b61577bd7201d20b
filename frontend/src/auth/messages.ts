// What the sign-in and invite pages say when a Firebase Auth call fails.

/** The translation key for a failed sign-in, by the Firebase Auth error code; every unknown code is the generic failure. */
export function signInMessageKey(code: string): string {
  switch (code) {
    case 'auth/invalid-credential':
    case 'auth/wrong-password':
    case 'auth/user-not-found':
    case 'auth/invalid-login-credentials':
      return 'signin.errors.invalid';
    case 'auth/too-many-requests':
      return 'signin.errors.tooMany';
    case 'auth/user-disabled':
      return 'signin.errors.disabled';
    case 'auth/network-request-failed':
      return 'signin.errors.network';
    default:
      return 'signin.errors.generic';
  }
}

/** The Firebase Auth error code of a failure, or '' when it carries none. */
export function authErrorCode(err: unknown): string {
  return (err as { code?: string } | null)?.code ?? '';
}
