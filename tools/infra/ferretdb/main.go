// Command ferretdb-launcher runs FerretDB (MongoDB wire protocol on SQLite) for local
// development and tests. `go install` of FerretDB's own command panics at start for want of a
// generated version file, so Cairn builds this small launcher around its embeddable package.
// FerretDB itself listens on a Unix socket; clients reach it through the serialising proxy in
// serialize.go, which restores single-document atomicity (see there).
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

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
	socket := filepath.Join(*dir, "ferretdb.sock")
	_ = os.Remove(socket)

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// Accept clients only once FerretDB answers on its socket.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("unix", socket); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log.Fatal("FerretDB did not open its socket")
		}
	}
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		<-ctx.Done()
		listener.Close()
	}()
	log.Printf("serialising proxy listening on %s", *listen)
	if err := serveSerialized(listener, socket); err != nil {
		log.Fatal(err)
	}
	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
