// Command redisget is the floor of make bench's cached-query figures: a
// bare net/http server, in a process of its own, whose one handler does
// one Redis GET of a fixed key (redis.BenchBaseline), which make bench
// fills with a value the size of a cached answer. With -static it reads
// that value once at start and answers every request with it from memory:
// what any HTTP answer of that size costs on the machine, with nothing
// behind it.
//
//	REDIS_URL=redis://127.0.0.1:6379 redisget -addr 127.0.0.1:28090 [-static]
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"time"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/redis"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "host:port to serve on")
	static := flag.Bool("static", false, "read the value once at start and serve it from memory")
	flag.Parse()
	if err := run(*addr, *static); err != nil {
		fmt.Fprintln(os.Stderr, "redisget:", err)
		os.Exit(1)
	}
}

func run(addr string, static bool) error {
	var cfg redis.Config
	if err := config.Load(&cfg); err != nil {
		return err
	}
	h, closeRedis, err := redis.BenchBaseline(cfg)
	if err != nil {
		return err
	}
	if static {
		body, err := readOnce(h)
		closeRedis()
		if err != nil {
			return err
		}
		h = staticHandler(body)
	} else {
		defer closeRedis()
	}
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	return srv.ListenAndServe()
}

// readOnce asks the Redis-GET handler for the value once, with a timeout.
func readOnce(h http.Handler) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("reading the baseline value: status %d: %s", rec.Code, rec.Body.Bytes())
	}
	return rec.Body.Bytes(), nil
}

// staticHandler answers every request with body without asking Redis,
// framed as the API frames its answers (a Content-Length, no chunks).
func staticHandler(body []byte) http.Handler {
	length := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(body)
	})
}
