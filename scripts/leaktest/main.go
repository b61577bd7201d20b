// Command leaktest runs the tenant leak suite against a deployment of the
// API and prints "N probes, M leaks"; it exits 1 on any leak.
//
//	go run ./scripts/leaktest -config tenants.json
//	go run ./scripts/leaktest -base http://127.0.0.1:8080 -emulator 127.0.0.1:9099   # the demo tenants
//
// The config file is JSON: {"base_url", "tenants": [{"org", "email",
// "password"} or {"org", "token"}], "auth_emulator" or "firebase_api_key",
// "uploads": false}. Every tenant must be an analyst, admin or owner of its
// org (the suite creates views, reports and schedules as each, and deletes
// the views and schedules at the end), and at least two orgs must differ.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/mirante/mirante/scripts/leaktest/leak"
)

// demoTenants are the local stack's demo users, one writer per org.
func demoTenants() []leak.Tenant {
	const pw = "mirante-demo"
	return []leak.Tenant{
		{Org: "porto-sul", Email: "ana@porto-sul.demo", Password: pw},
		{Org: "agro-nordeste", Email: "bruno@agro-nordeste.demo", Password: pw},
		{Org: "banco-regional", Email: "oscar@banco-regional.demo", Password: pw},
	}
}

func main() {
	var (
		cfgPath  = flag.String("config", "", "JSON file with base_url, tenants and how to sign in")
		base     = flag.String("base", os.Getenv("API_URL"), "the API's base URL (without a config file: the demo tenants)")
		emulator = flag.String("emulator", os.Getenv("FIREBASE_AUTH_EMULATOR_HOST"), "Firebase Auth emulator host:port")
		uploads  = flag.Bool("uploads", false, "let admins upload a one-row CSV into their org (never against production data)")
		verbose  = flag.Bool("v", false, "print every probe")
		timeout  = flag.Duration("timeout", 20*time.Minute, "limit on the whole run")
	)
	flag.Parse()
	cfg := leak.Config{BaseURL: *base, AuthEmulator: *emulator, Tenants: demoTenants(), Uploads: *uploads}
	if *cfgPath != "" {
		b, err := os.ReadFile(*cfgPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, "leaktest:", err)
			os.Exit(2)
		}
		cfg = leak.Config{}
		if err := json.Unmarshal(b, &cfg); err != nil {
			fmt.Fprintln(os.Stderr, "leaktest: the config is not valid JSON:", err)
			os.Exit(2)
		}
	}
	if cfg.BaseURL == "" {
		fmt.Fprintln(os.Stderr, "leaktest: no base URL (-base, API_URL or base_url in the config)")
		os.Exit(2)
	}
	cfg.Log, cfg.Verbose = os.Stdout, *verbose
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	res, err := leak.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "leaktest:", err)
		fmt.Printf("%d probes, %d leaks\n", res.Probes, len(res.Leaks))
		os.Exit(2)
	}
	fmt.Printf("%d probes, %d leaks\n", res.Probes, len(res.Leaks))
	if len(res.Leaks) > 0 {
		os.Exit(1)
	}
}
