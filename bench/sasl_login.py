#!/usr/bin/env python3
"""sasl_login.py HOST:PORT USER PASSWORD [N]: times N SCRAM logins to a Kafka listener, each on a
new connection (connect, SaslHandshake v1, two SaslAuthenticate v1), for SCRAM-SHA-256 and
SCRAM-SHA-512, and prints the median, p90 and p99. The client's PBKDF2 is computed once per
salt and kept, so the figures are the broker's side and the round trips, not the client's key
stretching (which a real client pays once per connection, ~ms at 8192 iterations)."""
import base64
import hashlib
import hmac
import os
import socket
import statistics
import struct
import sys
import time


def frame(key, version, correlation, body):
    header = struct.pack(">hhih", key, version, correlation, 5) + b"bench"
    return struct.pack(">i", len(header) + len(body)) + header + body


def read_frame(sock):
    def exactly(n):
        out = b""
        while len(out) < n:
            chunk = sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("closed")
            out += chunk
        return out
    return exactly(struct.unpack(">i", exactly(4))[0])[4:]  # after the correlation id


def authenticate(sock, correlation, data):
    sock.sendall(frame(36, 1, correlation, struct.pack(">i", len(data)) + data))
    body = read_frame(sock)
    error = struct.unpack(">h", body[:2])[0]
    (message_length,) = struct.unpack(">h", body[2:4])
    at = 4 + max(message_length, 0)
    (length,) = struct.unpack(">i", body[at:at + 4])
    if error:
        raise RuntimeError(f"SaslAuthenticate error {error}")
    return body[at + 4:at + 4 + length]


salted_cache = {}


def login(address, user, password, mechanism):
    digest = hashlib.sha256 if mechanism == "SCRAM-SHA-256" else hashlib.sha512
    host, port = address.split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        name = mechanism.encode()
        sock.sendall(frame(17, 1, 1, struct.pack(">h", len(name)) + name))
        if struct.unpack(">h", read_frame(sock)[:2])[0] != 0:
            raise RuntimeError("SaslHandshake refused")
        nonce = base64.b64encode(os.urandom(18)).decode()
        bare = f"n={user},r={nonce}"
        server_first = authenticate(sock, 2, ("n,," + bare).encode()).decode()
        fields = dict(item.split("=", 1) for item in server_first.split(","))
        key = (mechanism, fields["s"], fields["i"])
        if key not in salted_cache:
            salted_cache[key] = hashlib.pbkdf2_hmac(
                digest().name, password.encode(), base64.b64decode(fields["s"]), int(fields["i"]))
        salted = salted_cache[key]
        client_key = hmac.new(salted, b"Client Key", digest).digest()
        stored_key = digest(client_key).digest()
        without_proof = f"c=biws,r={fields['r']}"
        auth_message = f"{bare},{server_first},{without_proof}".encode()
        signature = hmac.new(stored_key, auth_message, digest).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        final = authenticate(sock, 3, f"{without_proof},p={base64.b64encode(proof).decode()}"
                             .encode())
        if not final.startswith(b"v="):
            raise RuntimeError("no server signature")


def main():
    address, user, password = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    for mechanism in ["SCRAM-SHA-256", "SCRAM-SHA-512"]:
        login(address, user, password, mechanism)  # warm the salt cache
        times = []
        for _ in range(n):
            started = time.perf_counter()
            login(address, user, password, mechanism)
            times.append((time.perf_counter() - started) * 1e3)
        times.sort()
        print(f"{mechanism} login (Kafka listener, {n} logins): median "
              f"{statistics.median(times):.2f} ms, p90 {times[int(n * 0.9)]:.2f} ms, "
              f"p99 {times[int(n * 0.99) - 1]:.2f} ms")


if __name__ == "__main__":
    main()
