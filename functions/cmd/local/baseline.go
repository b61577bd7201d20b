package main

import (
	"net/http"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mirante/mirante/shared/config"
	"github.com/mirante/mirante/shared/redis"
)

// benchBaseline is the yardstick of make bench's cached-query figure: a
// bare net/http handler in the binary that serves the API, mounted on the
// same server, which does one Redis GET and writes the value. Its
// Redis client has the API's timeouts and none of its instrumentation. It
// reads one fixed key, which make bench fills with a value the size of a
// cached answer, whatever the request says, so it can never be pointed at a
// tenant's keys; and the local runner mounts it only with
// LOCAL_BENCH_BASELINE=true (the deployed binary never does).
func benchBaseline() (http.HandlerFunc, func(), error) {
	var cfg redis.Config
	if err := config.Load(&cfg); err != nil {
		return nil, nil, err
	}
	opt, err := goredis.ParseURL(cfg.URL)
	if err != nil {
		return nil, nil, err
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = cfg.Timeout, cfg.Timeout, cfg.Timeout
	rdb := goredis.NewClient(opt)
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := rdb.Get(r.Context(), redis.BenchBaselineKey).Bytes()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}, func() { rdb.Close() }, nil
}
