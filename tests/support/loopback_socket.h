#pragma once

// Blocking loopback sockets for the test proxies (LoopbackProxy, ChaosProxy): whole reads and
// writes, a connection to a port on 127.0.0.1, and a listener on a free one.

#include <cstddef>
#include <cstdint>

namespace cairn::testing {

// Reads exactly `n` bytes; false when the peer closes or fails first.
bool read_exact(int fd, void* buf, size_t n);
// Writes all `n` bytes; false when the peer is gone.
bool write_all(int fd, const void* buf, size_t n);
// A TCP_NODELAY connection to 127.0.0.1:`port`, or -1.
int connect_loopback(uint16_t port);
// A listening socket on 127.0.0.1 with a free port, stored in `port`; throws when it cannot.
int listen_loopback(uint16_t& port);

}  // namespace cairn::testing
