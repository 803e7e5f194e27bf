// Command ferretdb-launcher runs FerretDB v1 (a MongoDB wire-protocol
// compatible server) with its SQLite or PostgreSQL backend, for the
// expedientes integration tests. It exists because `go install` of FerretDB's own
// cmd/ferretdb panics at start-up (its build/version package expects
// generated files that only its own build produces); the embeddable
// package github.com/FerretDB/FerretDB/ferretdb does not need them.
//
// Usage:
//
//	ferretdb-launcher -listen 127.0.0.1:27017 -sqlite-dir /path/to/dir
//	ferretdb-launcher -listen 127.0.0.1:27017 -backend postgresql \
//	    -postgresql-url postgres://ferretdb@127.0.0.1:5432/ferretdb
//
// With PostgreSQL, the database named in the URL must exist, with UTF8
// encoding and the C (or POSIX, C.UTF-8, en_US.UTF-8) locale; FerretDB keeps
// each MongoDB database as a schema in it.
//
// It runs until SIGTERM or SIGINT, then closes the listener and the backend.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	backend := flag.String("backend", "sqlite", "storage backend: sqlite or postgresql")
	sqliteDir := flag.String("sqlite-dir", "ferretdb-data", "sqlite backend: directory for the SQLite databases (one file per database)")
	pgURL := flag.String("postgresql-url", "", "postgresql backend: connection URL, e.g. postgres://user@127.0.0.1:5432/ferretdb")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fatal("bad -log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  *backend,
	}
	var where string
	switch *backend {
	case "sqlite":
		dir, err := filepath.Abs(*sqliteDir)
		if err != nil {
			fatal("bad -sqlite-dir: %v", err)
		}
		if err = os.MkdirAll(dir, 0o755); err != nil {
			fatal("cannot create %s: %v", dir, err)
		}
		// FerretDB wants a "file:" URI naming a directory, with a trailing slash.
		cfg.SQLiteURL = "file:" + dir + "/"
		where = "sqlite dir " + dir
	case "postgresql":
		if *pgURL == "" {
			fatal("-backend postgresql needs -postgresql-url")
		}
		u, err := url.Parse(*pgURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			fatal("bad -postgresql-url: want postgres://[user[:password]@]host:port/database")
		}
		cfg.PostgreSQLURL = *pgURL
		// Never print a password.
		where = "postgresql " + u.Redacted()
	default:
		fatal("bad -backend %q: sqlite or postgresql", *backend)
	}

	// With PostgreSQL, FerretDB connects lazily, at the first command that
	// needs the backend (a {ping: 1} does): only then are the URL and the
	// server's settings (encoding, locale) checked.
	f, err := ferretdb.New(cfg)
	if err != nil {
		fatal("cannot start FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	// MongoDBURI blocks until the listener is bound, so this line means "ready
	// to accept connections"; test-servers.sh waits for it in the log.
	fmt.Fprintf(os.Stderr, "ferretdb-launcher: listening on %s (%s)\n", f.MongoDBURI(), where)

	<-done
	fmt.Fprintln(os.Stderr, "ferretdb-launcher: stopped")
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-launcher: "+format+"\n", args...)
	os.Exit(1)
}
