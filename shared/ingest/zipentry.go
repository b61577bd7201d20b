package ingest

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
)

// openZipEntry opens an entry of an uploaded zip. The zip was spooled to a
// local temporary file, so any error opening or reading an entry (a bad
// header, an unknown method, a broken deflate stream, a checksum mismatch)
// is the file's fault: a ContractError, never an internal error.
func openZipEntry(j *job, e *zip.File) (io.ReadCloser, error) {
	rc, err := e.Open()
	if err != nil {
		return nil, zipEntryErr(j, e, err)
	}
	return &zipEntryReader{ReadCloser: rc, j: j, e: e}, nil
}

type zipEntryReader struct {
	io.ReadCloser
	j *job
	e *zip.File
}

func (r *zipEntryReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = zipEntryErr(r.j, r.e, err)
	}
	return n, err
}

func zipEntryErr(j *job, e *zip.File, err error) error {
	return &ContractError{Source: j.src.ID, File: j.name + ":" + e.Name, Reason: fmt.Sprintf("corrupt zip entry: %v", err)}
}
