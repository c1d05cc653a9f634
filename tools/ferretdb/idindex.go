package main

// Works around a FerretDB 1.24 SQLite-backend bug that makes every `{_id: …}` lookup a full table scan.
//
// FerretDB creates each collection's unique _id index on the expression `_ferretdb_sjson->"_id"`, but it filters
// (find, update, delete by _id) on `_ferretdb_sjson->'$._id'`. The two select the same JSON value, yet SQLite only
// uses an expression index whose expression is written the same way, so every such query reads and parses the JSON
// of every row (`EXPLAIN QUERY PLAN` says `SCAN`). The cost grows with the collection, and since every update runs
// in a write transaction, it also holds SQLite's single write lock that long.
//
// The fix without patching FerretDB (a module-proxy build cannot be patched): add, to every table FerretDB lists in
// a database's `_ferretdb_collections`, a second index on exactly the expression its queries use. FerretDB never
// sees it (its index list is its own metadata), SQLite keeps it up to date, dropping the collection drops it.
// A sweep every 200 ms covers tables created since the last one.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	// The "sqlite" database/sql driver FerretDB itself uses. It must be the same library instance: SQLite keeps the
	// POSIX locks of a process in per-library bookkeeping, so a second SQLite copy in this process would break the
	// locking between our connection and FerretDB's.
	_ "modernc.org/sqlite"
)

// idIndexSuffix names the added index: "<table>__id_path".
const idIndexSuffix = "__id_path"

// keepIDIndexes adds the missing _id path indexes in dir every interval until ctx is done.
func keepIDIndexes(ctx context.Context, dir string, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, f := range files {
			if err := addIDIndexes(ctx, f); err != nil && ctx.Err() == nil {
				logger.Warn("ferretdb wrapper: cannot add _id path indexes", "file", f, "error", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// addIDIndexes opens one database file (never creating it: mode=rw) for as short as possible, so a database that
// FerretDB drops is not kept open here.
func addIDIndexes(ctx context.Context, file string) error {
	if _, err := os.Stat(file); err != nil {
		return nil // dropped meanwhile
	}
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	tables, err := strings1(ctx, db, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") || strings.Contains(err.Error(), "unable to open") {
			return nil // FerretDB has not set the file up yet, or dropped it
		}
		return err
	}
	existing, err := strings1(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'index'`)
	if err != nil {
		return err
	}
	have := make(map[string]bool, len(existing))
	for _, n := range existing {
		have[n] = true
	}
	for _, table := range tables {
		name := table + idIndexSuffix
		if have[name] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, name, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // the collection was dropped between the two statements
			}
			return err
		}
	}
	return nil
}

func strings1(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, errors.Join(rows.Err())
}
