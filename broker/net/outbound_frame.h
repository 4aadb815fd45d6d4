#pragma once

// A response on its way to the socket: encoded bytes plus, for fetches, stored batches that
// the session sends straight from their files (sendfile) at the recorded positions.

#include <vector>

#include "protocol/codec.h"
#include "storage/segment.h"

namespace cairn::broker {

struct OutboundFrame {
  std::vector<std::byte> bytes;
  std::vector<protocol::ExternalBytes> external;  // in order of position
  // External source i: these slices, one after another (a partition's read may span segments).
  std::vector<std::vector<storage::LogSlice>> sources;
  // Nothing to send: close the connection once the responses before it are written (a failed
  // request whose client expects no response, such as Produce with acks=0).
  bool close_connection = false;
  // Send this frame, then read nothing more and close the connection (a failed authentication).
  bool then_close = false;
};

}  // namespace cairn::broker
