package main

// FerretDB 1.24 applies an update by querying the document, changing it in Go and writing it
// back, with no transaction around the two steps (FerretDB issue #3040). Two concurrent updates
// of one document therefore lose one of them, while both report success. Cairn's design rests
// on MongoDB's single-document atomicity (the outbox appends events in the same write as the
// state change), so local servers must provide it too.
//
// This proxy does: clients connect to the launcher's TCP address; each connection is paired
// with its own connection to FerretDB's Unix socket; every request is forwarded while holding a
// lock for its namespace (database and collection), and the lock is released once the reply has
// been relayed. Operations on one collection are thus applied one at a time (linearizable, a
// stronger guarantee than MongoDB's), while different collections and databases proceed in
// parallel.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
)

const (
	opMsg          = 2013
	flagMoreToCome = 1 << 1
	maxMessage     = 48 << 20 // MongoDB's maxMessageSizeBytes
)

type namespaceLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (n *namespaceLocks) get(ns string) *sync.Mutex {
	n.mu.Lock()
	defer n.mu.Unlock()
	l, ok := n.locks[ns]
	if !ok {
		l = &sync.Mutex{}
		n.locks[ns] = l
	}
	return l
}

// readMessage reads one wire-protocol message (header included).
func readMessage(r io.Reader) ([]byte, error) {
	var header [4]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	length := int(int32(binary.LittleEndian.Uint32(header[:])))
	if length < 16 || length > maxMessage {
		return nil, fmt.Errorf("invalid message length %d", length)
	}
	msg := make([]byte, length)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func opCode(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[12:16])) }

func moreToCome(msg []byte) bool {
	return opCode(msg) == opMsg && len(msg) >= 20 && binary.LittleEndian.Uint32(msg[16:20])&flagMoreToCome != 0
}

// namespace is "<db>.<collection>" for commands on a collection, "<db>" for the rest, and ""
// for anything that is not OP_MSG (legacy handshakes), which shares one lock.
func namespace(msg []byte) string {
	if opCode(msg) != opMsg || len(msg) < 26 || msg[20] != 0 {
		return ""
	}
	docLen := int(int32(binary.LittleEndian.Uint32(msg[21:25])))
	if docLen < 5 || 21+docLen > len(msg) {
		return ""
	}
	doc := bson.Raw(msg[21 : 21+docLen])
	db, _ := doc.Lookup("$db").StringValueOK()
	elems, err := doc.Elements()
	if err != nil || len(elems) == 0 {
		return db
	}
	if coll, ok := elems[0].Value().StringValueOK(); ok {
		return db + "." + coll
	}
	return db
}

func serveSerialized(listener net.Listener, upstreamSocket string) error {
	locks := &namespaceLocks{locks: map[string]*sync.Mutex{}}
	for {
		client, err := listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go func() {
			defer client.Close()
			upstream, err := net.Dial("unix", upstreamSocket)
			if err != nil {
				log.Printf("proxy: cannot reach FerretDB: %v", err)
				return
			}
			defer upstream.Close()
			if err := relay(client, upstream, locks); err != nil && !errors.Is(err, io.EOF) {
				log.Printf("proxy: connection closed: %v", err)
			}
		}()
	}
}

func relay(client, upstream net.Conn, locks *namespaceLocks) error {
	for {
		request, err := readMessage(client)
		if err != nil {
			return err
		}
		lock := locks.get(namespace(request))
		lock.Lock()
		err = exchange(client, upstream, request)
		lock.Unlock()
		if err != nil {
			return err
		}
	}
}

// exchange forwards one request and relays its reply (several for an exhaust cursor).
func exchange(client, upstream net.Conn, request []byte) error {
	if _, err := upstream.Write(request); err != nil {
		return err
	}
	if moreToCome(request) {
		return nil // fire-and-forget write: no reply
	}
	for {
		reply, err := readMessage(upstream)
		if err != nil {
			return err
		}
		if _, err := client.Write(reply); err != nil {
			return err
		}
		if !moreToCome(reply) {
			return nil
		}
	}
}
