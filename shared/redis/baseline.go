package redis

import (
	"errors"
	"net/http"

	goredis "github.com/redis/go-redis/v9"
)

// BenchBaselineKey holds the value make bench's baseline handler reads (a
// value the size of a cached answer); nothing else reads or writes it.
const BenchBaselineKey = "mirante:bench:redis-get"

// BenchBaseline returns make bench's yardstick for cached queries: a bare
// handler that does one Redis GET of BenchBaselineKey, whatever the
// request says (so it can never be pointed at a tenant's keys), and writes
// the value. Its client has the API's timeouts and none of its
// instrumentation; closing it is the caller's.
func BenchBaseline(cfg Config) (http.Handler, func() error, error) {
	opt, err := goredis.ParseURL(cfg.URL)
	if err != nil {
		return nil, nil, errors.New("REDIS_URL: not a valid redis:// URL")
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = cfg.Timeout, cfg.Timeout, cfg.Timeout
	rdb := goredis.NewClient(opt)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := rdb.Get(r.Context(), BenchBaselineKey).Bytes()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}), rdb.Close, nil
}
