// POST /v1/orgs/{org}/uploads as multipart/form-data (the "file" part),
// through the shared client (token, problems, 429 handling).
import { apiData, orgPath } from '../../api/client';
import type { Upload } from '../../api/types';

/** Sends a CSV; resolves with the upload (202 new, 200 the same file again), rejects with ApiError. */
export function postUpload(org: string, file: File): Promise<Upload> {
  const body = new FormData();
  body.append('file', file, file.name);
  return apiData<Upload>(orgPath(org, '/uploads'), { method: 'POST', body });
}
