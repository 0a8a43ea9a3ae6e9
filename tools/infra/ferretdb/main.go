// Command ferretdb-launcher runs FerretDB (MongoDB wire protocol on SQLite) for local
// development and tests. `go install` of FerretDB's own command panics at start for want of a
// generated version file, so Cairn builds this small launcher around its embeddable package.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27027", "TCP address to listen on (loopback only)")
	dir := flag.String("sqlite-dir", "", "directory for the SQLite databases")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-sqlite-dir is required")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		log.Fatal(err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
