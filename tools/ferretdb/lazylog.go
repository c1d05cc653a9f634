package main

// lazyAttrs is a slog.Handler that keeps attributes added by Logger.With unformatted until a record is actually
// written. FerretDB's SQL layer (internal/util/fsql) calls `l.With(slog.Any("args", args)).DebugContext(...)` twice
// for every statement it runs, and slog's TextHandler formats (quotes) the attributes inside WithAttrs, before the
// level check: with insert arguments being whole JSON documents, that was 12.6% of FerretDB's CPU in a 2-node bench
// crawl (pprof, bench/MONGO.md), for log lines that are never written. Keeping them lazy costs a slice append.
import (
	"context"
	"log/slog"
	"slices"
	"strings"
)

// isDuplicateKeyQuery tells the PostgreSQL backend's error line for an insert that hit a unique index (SQLSTATE
// 23505). The client gets it as E11000, and the crawl store's claims rely on exactly that error, so with the
// PostgreSQL backend such lines would fill the log, one per lost race.
func isDuplicateKeyQuery(r slog.Record) bool {
	if r.Level != slog.LevelError || r.Message != "Query" {
		return false
	}
	dup := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" && strings.Contains(a.Value.String(), "SQLSTATE 23505") {
			dup = true
			return false
		}
		return true
	})
	return dup
}

type lazyAttrs struct {
	inner slog.Handler
	attrs []slog.Attr
}

func newLazyAttrs(inner slog.Handler) slog.Handler { return &lazyAttrs{inner: inner} }

func (h *lazyAttrs) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *lazyAttrs) Handle(ctx context.Context, r slog.Record) error {
	if isDuplicateKeyQuery(r) {
		return nil
	}
	if len(h.attrs) == 0 {
		return h.inner.Handle(ctx, r)
	}
	return h.inner.WithAttrs(h.attrs).Handle(ctx, r)
}

func (h *lazyAttrs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &lazyAttrs{inner: h.inner, attrs: append(slices.Clip(h.attrs), attrs...)}
}

// WithGroup applies the attributes so far outside the group, as slog requires, then starts the group.
func (h *lazyAttrs) WithGroup(name string) slog.Handler {
	inner := h.inner
	if len(h.attrs) > 0 {
		inner = inner.WithAttrs(h.attrs)
	}
	return &lazyAttrs{inner: inner.WithGroup(name)}
}
