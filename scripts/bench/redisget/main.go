// Command redisget is the floor of make bench's cached-query figures: a
// bare net/http server, in a process of its own, whose one handler does
// one Redis GET of a fixed key (redis.BenchBaseline), which make bench
// fills with a value the size of a cached answer.
//
//	REDIS_URL=redis://127.0.0.1:6379 redisget -addr 127.0.0.1:28090
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/redis"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "host:port to serve on")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "redisget:", err)
		os.Exit(1)
	}
}

func run(addr string) error {
	var cfg redis.Config
	if err := config.Load(&cfg); err != nil {
		return err
	}
	h, closeRedis, err := redis.BenchBaseline(cfg)
	if err != nil {
		return err
	}
	defer closeRedis()
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	return srv.ListenAndServe()
}
