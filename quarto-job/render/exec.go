package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// command is one external process of a render.
type command struct {
	// name is what error messages call it (pandoc, chromium, ...).
	name string
	path string
	args []string
	dir  string
	env  []string
}

// stderrKeep is how much of a process's stderr an error message carries.
const stderrKeep = 4 << 10

// run runs c with its own timeout and returns its stdout. A failure carries
// the tail of stderr; a timeout wraps context.DeadlineExceeded. The whole
// process group is killed on the way out, so no helper (Chromium has many)
// outlives the call.
func run(ctx context.Context, timeout time.Duration, c command) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Files rather than pipes: Wait returns when the process exits even if a
	// helper it forked still holds the descriptors.
	stdout, err := os.CreateTemp("", "render-stdout-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(stdout.Name())
	defer stdout.Close()
	stderr, err := os.CreateTemp("", "render-stderr-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(stderr.Name())
	defer stderr.Close()

	cmd := exec.CommandContext(ctx, c.path, c.args...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.WaitDelay = 5 * time.Second
	setProcessGroup(cmd)
	err = cmd.Run()
	killProcessGroup(cmd)
	if err != nil {
		if ctxErr := ctx.Err(); errors.Is(ctxErr, context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s did not finish in time (step limit %s): %w%s", c.name, timeout, ctxErr, stderrNote(stderr))
		} else if ctxErr != nil {
			return nil, fmt.Errorf("%s stopped: %w%s", c.name, ctxErr, stderrNote(stderr))
		}
		return nil, fmt.Errorf("%s failed: %w%s", c.name, err, stderrNote(stderr))
	}
	if _, err := stdout.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(stdout)
}

// noise is stderr Chromium always prints in containers (no D-Bus, no
// session); it would bury the real error.
var noise = []string{"dbus", "D-Bus", "Fontconfig", "GetCollectStatsConsent", "object_proxy", "ScreenSaver", "UPower"}

// stderrNote is the useful tail of a process's stderr.
func stderrNote(f *os.File) string {
	info, err := f.Stat()
	if err != nil || info.Size() == 0 {
		return ""
	}
	off := max(info.Size()-4*stderrKeep, 0)
	buf := make([]byte, info.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	var keep []string
	for _, l := range strings.Split(string(bytes.TrimSpace(buf)), "\n") {
		skip := false
		for _, n := range noise {
			if strings.Contains(l, n) {
				skip = true
				break
			}
		}
		if !skip && strings.TrimSpace(l) != "" {
			keep = append(keep, l)
		}
	}
	s := strings.Join(keep, "\n")
	if len(s) > stderrKeep {
		s = "..." + s[len(s)-stderrKeep:]
	}
	if s == "" {
		return ""
	}
	return "; stderr: " + s
}
