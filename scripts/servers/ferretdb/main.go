// Command ferretdb-launcher runs FerretDB v1 (a MongoDB wire-protocol
// compatible server) with its SQLite backend, for the expedientes
// integration tests. It exists because `go install` of FerretDB's own
// cmd/ferretdb panics at start-up (its build/version package expects
// generated files that only its own build produces); the embeddable
// package github.com/FerretDB/FerretDB/ferretdb does not need them.
//
// Usage:
//
//	ferretdb-launcher -listen 127.0.0.1:27017 -sqlite-dir /path/to/dir
//
// It runs until SIGTERM or SIGINT, then closes the listener and the backend.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	sqliteDir := flag.String("sqlite-dir", "ferretdb-data", "directory for the SQLite databases (one file per database)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fatal("bad -log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*sqliteDir)
	if err != nil {
		fatal("bad -sqlite-dir: %v", err)
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		fatal("cannot create %s: %v", dir, err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  "sqlite",
		// FerretDB wants a "file:" URI naming a directory, with a trailing slash.
		SQLiteURL: "file:" + dir + "/",
	})
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
	fmt.Fprintf(os.Stderr, "ferretdb-launcher: listening on %s (sqlite dir %s)\n", f.MongoDBURI(), dir)

	<-done
	fmt.Fprintln(os.Stderr, "ferretdb-launcher: stopped")
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-launcher: "+format+"\n", args...)
	os.Exit(1)
}
