#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# The host side of `exod chan-test=BYTES` (toolstack/exod/chan_test.c): it
# connects to the management channel's Unix socket (QEMU's end of COM2),
# shakes hands (SYN every 100 ms until exod ACKs, then STX) and waits for
# exod's greeting, then runs the three phases, each BYTES long:
# sink (send seeded random bytes in random-size writes, expect their FNV-1a
# 64 hash back), source (receive the xorshift64* stream seeded with that
# hash) and echo (send and receive at once, compare); then stall (send
# as many bytes as exod asks for, more than its receive ring holds, which
# it reads only once the ring is full, and expect their hash), and at last
# reconnect, shake hands again and echo 1 KiB. Prints the throughput of each and exits
# 0 only if every byte was right. Run by tests/guest/run-vm
# as a test's HOST_SIDE, with the socket in $MGMT_SOCKET; usable by hand too.

import argparse
import os
import random
import selectors
import socket
import sys
import time

GREETING = b"exod chan ready\n"
SYN, ACK, STX = b"\x16", b"\x06", b"\x02"
RECONNECT_ECHO = 1024
MASK = (1 << 64) - 1


def fnv1a(data, h=0xCBF29CE484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & MASK
    return h


def xorshift_stream(seed, n):
    x = seed or 1
    out = bytearray()
    while len(out) < n:
        x ^= x >> 12
        x = (x ^ (x << 25)) & MASK
        x ^= x >> 27
        out += ((x * 0x2545F4914F6CDD1D) & MASK).to_bytes(8, "little")
    return bytes(out[:n])


class Peer:
    def __init__(self, path, timeout):
        self.timeout = timeout
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError as e:
                self.sock.close()
                if time.monotonic() > deadline:
                    sys.exit(f"mgmt-echo: cannot connect to {path}: {e}")
                time.sleep(0.05)
        self.sock.settimeout(timeout)

    def handshake(self):
        """Until exod answers: it may not have opened the UART yet, and
        bytes that reach it before then are lost."""
        deadline = time.monotonic() + self.timeout
        self.sock.settimeout(0.1)
        try:
            while True:
                if time.monotonic() > deadline:
                    sys.exit(f"mgmt-echo: FAIL: no ACK from exod within {self.timeout} s")
                self.sock.sendall(SYN)
                try:
                    reply = self.sock.recv(1)
                except socket.timeout:
                    continue
                if not reply:
                    sys.exit("mgmt-echo: FAIL: EOF during the handshake")
                if reply == ACK:
                    break
        finally:
            self.sock.settimeout(self.timeout)
        self.sock.sendall(STX)
        # Every SYN exod saw before the STX got an ACK; the greeting follows.
        line = b""
        while not line.endswith(GREETING):
            c = self.read_exactly(1, "greeting")
            if c != ACK or line:
                line += c
            if len(line) > len(GREETING):
                sys.exit(f"mgmt-echo: FAIL: greeting {line!r}, expected {GREETING!r}")

    def read_exactly(self, n, what):
        buf = bytearray()
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except socket.timeout:
                chunk = None
            if not chunk:
                sys.exit(f"mgmt-echo: FAIL: {what}: {len(buf)} of {n} bytes, then "
                         f"{'nothing for %d s' % self.timeout if chunk is None else 'EOF'}")
            buf += chunk
        return bytes(buf)

    def send_random_sizes(self, data, rng, receive=0):
        """Send data in writes of 1 to 4096 bytes while receiving `receive`
        bytes; returns what was received."""
        self.sock.setblocking(False)
        sel = selectors.DefaultSelector()
        sel.register(self.sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
        sent, got = 0, bytearray()
        size = rng.randint(1, 4096)
        last = time.monotonic()
        while sent < len(data) or len(got) < receive:
            events = sel.select(timeout=1)
            if not events and time.monotonic() - last > self.timeout:
                sys.exit(f"mgmt-echo: FAIL: stuck: {sent} of {len(data)} bytes sent, "
                         f"{len(got)} of {receive} received")
            for _, mask in events:
                if mask & selectors.EVENT_READ and len(got) < receive:
                    chunk = self.sock.recv(min(65536, receive - len(got)))
                    if not chunk:
                        sys.exit("mgmt-echo: FAIL: EOF on the socket")
                    got += chunk
                    last = time.monotonic()
                if mask & selectors.EVENT_WRITE and sent < len(data):
                    try:
                        n = self.sock.send(data[sent:sent + size])
                    except BlockingIOError:
                        n = 0
                    if n:
                        sent += n
                        size = rng.randint(1, 4096)
                        last = time.monotonic()
            if sent == len(data):
                sel.modify(self.sock, selectors.EVENT_READ)
        sel.close()
        self.sock.setblocking(True)
        self.sock.settimeout(self.timeout)
        return bytes(got)


def rate(n, seconds):
    return f"{n} bytes in {seconds * 1000:.0f} ms ({n / seconds:.0f} bytes/s)"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--socket", default=os.environ.get("MGMT_SOCKET"))
    ap.add_argument("--bytes", type=int, default=16384)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=20.0, help="longest silence, seconds")
    args = ap.parse_args()
    if not args.socket:
        sys.exit("mgmt-echo: no socket (--socket or MGMT_SOCKET)")
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    print(f"mgmt-echo: seed {seed}, {args.bytes} bytes per phase", flush=True)

    peer = Peer(args.socket, args.timeout)
    peer.handshake()

    data = rng.randbytes(args.bytes)
    start = time.monotonic()
    peer.send_random_sizes(data, rng)
    got = peer.read_exactly(8, "sink hash")
    took = time.monotonic() - start
    want = fnv1a(data)
    if int.from_bytes(got, "little") != want:
        sys.exit(f"mgmt-echo: FAIL: sink: exod hashed {got.hex()}, expected {want:016x}")
    print(f"mgmt-echo: host to dom0: {rate(args.bytes, took)}, hash {want:016x}", flush=True)

    start = time.monotonic()
    got = peer.read_exactly(args.bytes, "source")
    took = time.monotonic() - start
    if got != xorshift_stream(want, args.bytes):
        sys.exit("mgmt-echo: FAIL: source: the stream differs from xorshift64* seeded "
                 "with the hash")
    print(f"mgmt-echo: dom0 to host: {rate(args.bytes, took)}", flush=True)

    data = rng.randbytes(args.bytes)
    start = time.monotonic()
    got = peer.send_random_sizes(data, rng, receive=args.bytes)
    took = time.monotonic() - start
    if got != data:
        at = next((i for i in range(len(data)) if got[i] != data[i]), len(data))
        sys.exit(f"mgmt-echo: FAIL: echo differs from byte {at} on")
    print(f"mgmt-echo: echo: {rate(args.bytes, took)} each way, checksum fnv1a64 "
          f"{fnv1a(got):016x} matches", flush=True)
    ask = int.from_bytes(peer.read_exactly(4, "stall count"), "little")
    if not 0 < ask <= 1 << 24:
        sys.exit(f"mgmt-echo: FAIL: stall: exod asks for {ask} bytes")
    data = rng.randbytes(ask)
    start = time.monotonic()
    peer.send_random_sizes(data, rng)
    got = peer.read_exactly(8, "stall hash")
    took = time.monotonic() - start
    if int.from_bytes(got, "little") != fnv1a(data):
        sys.exit(f"mgmt-echo: FAIL: stall: exod hashed {got.hex()}, expected {fnv1a(data):016x}")
    print(f"mgmt-echo: stall: {rate(ask, took)} through a full ring, hash matches", flush=True)
    peer.sock.close()

    # A new client: QEMU accepts it on the same socket; exod notices only
    # the new handshake.
    peer = Peer(args.socket, args.timeout)
    peer.handshake()
    data = rng.randbytes(RECONNECT_ECHO)
    if peer.send_random_sizes(data, rng, receive=len(data)) != data:
        sys.exit("mgmt-echo: FAIL: the echo after reconnecting differs")
    print(f"mgmt-echo: reconnected: {len(data)} bytes echoed", flush=True)
    peer.sock.close()
    print("mgmt-echo: pass")


if __name__ == "__main__":
    main()
