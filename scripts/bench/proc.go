package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"syscall"
	"time"
)

// child is a process the bench started and stops.
type child struct {
	cmd    *exec.Cmd
	exited chan error // receives Wait's result once
}

// errExited says the child exited while the bench waited for it.
var errExited = errors.New("exited")

func startChild(cmd *exec.Cmd) (*child, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, exited: make(chan error, 1)}
	go func() { c.exited <- cmd.Wait() }()
	return c, nil
}

// stop sends SIGTERM and kills the child if it has not exited after grace.
func (c *child) stop(grace time.Duration) {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.exited:
		c.exited <- err
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		c.exited <- <-c.exited
	}
}

// awaitOK polls url every tick until it answers 200, and fails when the
// child exits first (the error wraps errExited), when within passes or
// when ctx ends.
func (c *child) awaitOK(ctx context.Context, url string, tick, within time.Duration) error {
	hc := &http.Client{Timeout: time.Second}
	t := time.NewTicker(tick)
	defer t.Stop()
	deadline := time.After(within)
	for {
		if resp, err := hc.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-c.exited:
			c.exited <- err
			return fmt.Errorf("%w before answering %s: %v", errExited, url, err)
		case <-deadline:
			return fmt.Errorf("%s did not answer within %s", url, within)
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
