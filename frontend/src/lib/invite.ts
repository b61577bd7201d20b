// The invite page's states, decided from the session and the API's answers
// (POST /v1/invites/accept; shared/httpapi/openapi.yaml).
import { ApiError } from '../api/client';

/** An invite token: 32 random bytes in base64url, unpadded. */
export const isInviteToken = (t: string) => /^[A-Za-z0-9_-]{43}$/.test(t);

/** Why the API refused, as its problem document's `reason` says (or `invalid` for a malformed link). */
export type Refusal = 'not_found' | 'revoked' | 'used' | 'expired' | 'email_mismatch' | 'unverified' | 'already_member' | 'invalid' | 'unknown';

export type InviteStage =
  /** Firebase is restoring the session. */
  | 'loading'
  /** Sign in, or create the account, with the invited address. */
  | 'signedOut'
  /** Signed in, but the address is not verified yet: the API would refuse. */
  | 'unverified'
  /** Signed in with a verified address: the invite can be accepted. */
  | 'ready'
  /** The API said no for good (this link, or this account). */
  | 'refused';

export interface InviteSession {
  /** undefined while the session is restored; null when signed out. */
  user: { emailVerified: boolean } | null | undefined;
  token: string;
  refusal: Refusal | null;
}

export function inviteStage({ user, token, refusal }: InviteSession): InviteStage {
  if (!isInviteToken(token)) return 'refused';
  if (user === undefined) return 'loading';
  if (user === null) return 'signedOut';
  // The server's word beats the client's cached claim (it may be stale either way).
  if (refusal === 'unverified') return 'unverified';
  if (refusal) return 'refused';
  return user.emailVerified ? 'ready' : 'unverified';
}

const REASONS: Refusal[] = ['not_found', 'revoked', 'used', 'expired', 'email_mismatch', 'unverified', 'already_member'];

/** The refusal an accept attempt ended with; null when it may simply be retried (network, 5xx, rate limits). */
export function refusalOf(e: unknown): Refusal | null {
  if (!(e instanceof ApiError)) return null;
  if (e.reason && (REASONS as string[]).includes(e.reason)) return e.reason as Refusal;
  if (e.status === 400) return 'invalid';
  if (e.status === 404) return 'not_found';
  if (e.status === 410) return 'expired';
  if (e.status === 409) return 'already_member';
  if (e.status === 403) return 'email_mismatch';
  return e.status >= 500 || e.status === 429 || e.status === 401 ? null : 'unknown';
}

/** Whether signing out and in with another account could still help. */
export const otherAccountHelps = (r: Refusal | null) => r === 'email_mismatch' || r === 'already_member';

/** The link to send for an invite token, on the app's own origin. */
export const inviteURL = (origin: string, token: string) => `${origin.replace(/\/+$/, '')}/invite/${encodeURIComponent(token)}`;
