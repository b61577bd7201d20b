package ingest

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// spoolZip copies the load's file, a zip, to a temporary file (a zip is
// read from its end) and opens it; cleanup removes the copy.
func spoolZip(j *job) (*zip.Reader, func(), error) {
	f, err := os.CreateTemp("", "mirante-zip-*")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	size, err := io.Copy(f, j.in)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		cleanup()
		return nil, nil, j.contractErr(0, "", "not a zip file: %v", err)
	}
	return zr, cleanup, nil
}

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
	return &ContractError{Source: j.Source.ID, File: j.File + ":" + e.Name, Reason: fmt.Sprintf("corrupt zip entry: %v", err)}
}

// zipEntry spools the job's input to a temporary file (a zip needs random
// access) and opens the first entry whose name ends with suffix.
func zipEntry(j *job, suffix string) (io.Reader, func(), error) {
	zr, cleanup, err := spoolZip(j)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range zr.File {
		if strings.HasSuffix(strings.ToLower(e.Name), suffix) {
			rc, err := openZipEntry(j, e)
			if err != nil {
				cleanup()
				return nil, nil, err
			}
			return rc, func() { rc.Close(); cleanup() }, nil
		}
	}
	cleanup()
	return nil, nil, j.contractErr(0, "", "the zip holds no %s file", suffix)
}
