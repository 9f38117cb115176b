// Command ferretdb is a tiny launcher for FerretDB's embeddable package with the
// SQLite backend, used as the local MongoDB-compatible server for dev and tests.
//
// Built and cached by scripts/ensure-ferretdb.mjs; see docs in ferretdb-notes.md §1.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27027", "TCP address to listen on")
	dataDir := flag.String("data-dir", "", "directory for the SQLite files (required; created if missing)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	exitOnStdinEOF := flag.Bool("exit-on-stdin-eof", false, "stop when standard input reaches EOF (parent process died)")
	flag.Parse()

	if err := run(*listenAddr, *dataDir, *logLevel, *exitOnStdinEOF); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}

func run(listenAddr, dataDir, logLevel string, exitOnStdinEOF bool) error {
	if dataDir == "" {
		return fmt.Errorf("-data-dir is required")
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("invalid -log-level %q: %w", logLevel, err)
	}

	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	// The SQLite URL is parsed as a URI: these characters would change its meaning.
	if strings.ContainsAny(dir, "?#%") {
		return fmt.Errorf("-data-dir must not contain '?', '#' or '%%': %q", dir)
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create data dir: %w", err)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if exitOnStdinEOF {
		ctx2, cancel := context.WithCancel(ctx)
		defer cancel()
		ctx = ctx2

		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel()
		}()
	}

	// Embedded builds report "unknown" as buildInfo.ferretdbVersion; report the module version instead.
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			if dep.Path == "github.com/FerretDB/FerretDB" {
				version.Get().Version = dep.Version
			}
		}
	}

	// New binds the listener, so connections are accepted (queued) once it returns.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/?_pragma=synchronous(normal)",
	})
	if err != nil {
		return err
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	go newIDIndexer(dir, logger).run(ctx)

	fmt.Printf("ferretdb listening on %s\n", listenAddr)

	select {
	case err = <-done:
		return err
	case <-ctx.Done():
	}

	// FerretDB gives open client connections up to 3 s to go away; do not hang forever.
	select {
	case err = <-done:
		return err
	case <-time.After(10 * time.Second):
		return fmt.Errorf("shutdown timed out")
	}
}
