// POST /v1/orgs/{org}/uploads as multipart/form-data (the "file" part). The
// shared client sends JSON only, so this one request is made here, with the
// same token and the same problem handling.
import { ApiError, orgPath } from '../../api/client';
import type { Upload } from '../../api/types';
import { getAppAuth } from '../../auth/firebase';

const base = (import.meta.env?.VITE_API_BASE as string | undefined) ?? '';

/** Sends a CSV; resolves with the upload (202 new, 200 the same file again), rejects with ApiError. */
export async function postUpload(org: string, file: File, token?: () => Promise<string | null>): Promise<Upload> {
  const idToken = await (token ?? currentToken)();
  const body = new FormData();
  body.append('file', file, file.name);
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (idToken) headers.Authorization = `Bearer ${idToken}`;
  const res = await fetch(base + orgPath(org, '/uploads'), { method: 'POST', headers, body });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const ra = Number(res.headers.get('Retry-After'));
    throw new ApiError(res.status, (json as object) ?? { title: res.statusText }, res.headers.get('X-Trace-Id') ?? undefined, Number.isFinite(ra) && ra > 0 ? ra : undefined);
  }
  return json as Upload;
}

async function currentToken(): Promise<string | null> {
  const user = getAppAuth().currentUser;
  return user ? user.getIdToken() : null;
}
