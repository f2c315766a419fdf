#!/usr/bin/env python3
"""htable.sets of COUNT keys (from FIRST) on one kept-alive connection to the node's JSON-RPC at
127.0.0.1:PORT, DEPTH requests written before their replies are read. Prints the wall time.

  rpc_pipeline.py PORT FIRST COUNT DEPTH
"""
import json
import socket
import sys
import time


def main():
    port, first, count, depth = (int(a) for a in sys.argv[1:5])
    connection = socket.create_connection(("127.0.0.1", port))
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer = b""

    def request(i):
        # A route key as the trunk scripts write it; the destination on loopback, port 9.
        body = json.dumps({"jsonrpc": "2.0", "id": i, "method": "htable.sets",
                           "params": ["mv", "t:trunk_%09d" % i,
                                      "cust_%d||sip:127.24.%d.%d:9" % (i % 100, i // 250 % 250,
                                                                       i % 250 + 1)]})
        return ("POST /RPC HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n%s" % (len(body), body)).encode()

    def read_reply():
        nonlocal buffer
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end >= 0:
                head = buffer[:end].decode()
                length = next(int(line.split(":")[1]) for line in head.split("\r\n")
                              if line.lower().startswith("content-length:"))
                if len(buffer) >= end + 4 + length:
                    reply = buffer[end + 4:end + 4 + length]
                    buffer = buffer[end + 4 + length:]
                    if b'"error"' in reply:
                        sys.exit("error reply: %s" % reply.decode())
                    return
            chunk = connection.recv(65536)
            if not chunk:
                sys.exit("the node closed the connection")
            buffer += chunk

    started = time.monotonic()
    i = first
    while i < first + count:
        batch = min(depth, first + count - i)
        connection.sendall(b"".join(request(i + j) for j in range(batch)))
        for _ in range(batch):
            read_reply()
        i += batch
    print("%.3f" % (time.monotonic() - started))


if __name__ == "__main__":
    main()
