package main

// FerretDB 1.24's SQLite backend indexes `_id` as `_ferretdb_sjson->"_id"` but looks documents up with
// `_ferretdb_sjson->'$._id' = ?`. SQLite uses an expression index only when the query spells the same
// expression, so every lookup, update and delete by `_id` reads the whole table. The indexer keeps an index
// spelled the way the queries are on every collection table, which turns those into index searches.
//
// It opens its own short-lived connection only when a database file changed since its last look, and closes
// it at once: a connection held open would keep a dropped database's WAL file alive next to a new database of
// the same name.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

const (
	idIndexSuffix   = "__id_lookup"
	idIndexInterval = 200 * time.Millisecond
)

type fileStamp struct {
	size    int64
	modTime time.Time
}

type idIndexer struct {
	dir    string
	logger *slog.Logger
	seen   map[string]fileStamp // database file -> stamp of it and its WAL when last fully indexed
}

func newIDIndexer(dir string, logger *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, logger: logger, seen: map[string]fileStamp{}}
}

// run sweeps until ctx ends.
func (x *idIndexer) run(ctx context.Context) {
	ticker := time.NewTicker(idIndexInterval)
	defer ticker.Stop()

	for {
		x.sweep(ctx)

		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (x *idIndexer) sweep(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		return
	}

	present := map[string]bool{}

	for _, file := range files {
		present[file] = true

		stamp, ok := stampOf(file)
		if !ok || x.seen[file] == stamp {
			continue
		}

		if err := indexFile(ctx, file); err != nil {
			// Retried at the next sweep; a table being created or a busy database is normal here.
			x.logger.Debug("id index sweep failed", slog.String("file", filepath.Base(file)), slog.String("error", err.Error()))
			continue
		}

		x.seen[file] = stamp
	}

	for file := range x.seen {
		if !present[file] {
			delete(x.seen, file)
		}
	}
}

// stampOf combines the database file and its WAL: a new collection shows as a change of either.
func stampOf(file string) (fileStamp, bool) {
	db, err := os.Stat(file)
	if err != nil {
		return fileStamp{}, false
	}

	stamp := fileStamp{size: db.Size(), modTime: db.ModTime()}

	if wal, err := os.Stat(file + "-wal"); err == nil {
		stamp.size += wal.Size() << 32
		if wal.ModTime().After(stamp.modTime) {
			stamp.modTime = wal.ModTime()
		}
	}

	return stamp, true
}

func indexFile(ctx context.Context, file string) error {
	// mode=rw: never create a file FerretDB has just removed.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()

	db.SetMaxOpenConns(1)

	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()

	rows, err := db.QueryContext(ctx, `
		SELECT c.table_name FROM _ferretdb_collections c
		WHERE EXISTS (SELECT 1 FROM sqlite_master t WHERE t.type = 'table' AND t.name = c.table_name)
		  AND NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = c.table_name || ?)`,
		idIndexSuffix,
	)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database FerretDB has not finished creating
		}
		return err
	}

	var tables []string

	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}

	rows.Close()

	if err := rows.Err(); err != nil {
		return err
	}

	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}

	return nil
}
