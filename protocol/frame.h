#pragma once

// Frames and their request and response headers (PROTOCOL.md, "Frames"). The API table is
// protocol/api.h (keys, versions, names), included here for the header's api key.
//
// Request frame:  u32 length | u16 api key | u16 api version | u32 correlation id |
//                 string client id | body
// Response frame: u32 length | u32 correlation id | i16 error code | string error message |
//                 body, present only when the error code is NONE

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/api.h"
#include "protocol/codec.h"
#include "protocol/error_code.h"
#include "protocol/status.h"

namespace cairn::protocol {

namespace frame {
// Where each header field starts (PROTOCOL.md, "Frames"), counted from the first byte of the
// frame: the length field's. The decoders read the fields in order; these are for code that
// peeks at or patches one field of a whole frame.
inline constexpr size_t kLengthAt = 0;
// Request frame.
inline constexpr size_t kApiKeyAt = 4;
inline constexpr size_t kApiVersionAt = 6;
inline constexpr size_t kCorrelationIdAt = 8;
inline constexpr size_t kClientIdAt = 12;
// Response frame.
inline constexpr size_t kResponseCorrelationIdAt = 4;
inline constexpr size_t kResponseErrorCodeAt = 8;
inline constexpr size_t kResponseErrorMessageAt = 10;

inline constexpr size_t kLengthSize = 4;
// api key, api version, correlation id, client id length.
inline constexpr size_t kMinRequestHeaderSize = 10;
inline constexpr size_t kMaxClientIdBytes = 256;
// correlation id, error code, message length.
inline constexpr size_t kMinResponseSize = 8;
}  // namespace frame

// How many entries one request may carry (PROTOCOL.md, "Limits"). Decoders refuse a count over
// a limit before allocating anything for it, so no request can make the broker build more than
// a bounded amount of per-entry work.
namespace limits {
// Names in one list: the topics of a Metadata, CreateTopics, DeleteTopics, Produce, Fetch or
// ListOffsets request, the groups of a DescribeGroups request.
inline constexpr uint32_t kMaxNamesPerRequest = 10'000;
// Partition entries of a Produce, Fetch or ListOffsets request, over all its topics.
inline constexpr uint32_t kMaxPartitionsPerRequest = 100'000;
}  // namespace limits

struct RequestHeader {
  uint16_t api_key = 0;
  uint16_t api_version = 0;
  uint32_t correlation_id = 0;
  std::string client_id;
};

// Decodes the header at the front of a request frame (the bytes after the length) and returns
// the body that follows it.
struct DecodedRequest {
  RequestHeader header;
  size_t body_offset = 0;  // where the body starts in the frame
};
Result<DecodedRequest> decode_request_header(Bytes frame);

struct DecodedResponse {
  uint32_t correlation_id = 0;
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  Bytes body;  // empty unless error == kNone
};
// Decodes a response frame (the bytes after the length).
Result<DecodedResponse> decode_response(Bytes frame);

// Encodes a whole request frame, length included.
template <typename Body>
void encode_request(std::vector<std::byte>& out, const RequestHeader& header, const Body& body) {
  Encoder e(out);
  e.begin_frame();
  e.write<uint16_t>(header.api_key);
  e.write<uint16_t>(header.api_version);
  e.write<uint32_t>(header.correlation_id);
  e.write_string(header.client_id);
  body.encode(e, header.api_version);
  e.end_frame();
}

// Starts a response frame: length placeholder, correlation id, error code and message. The
// caller encodes the body (only when `error` is kNone) and calls e.end_frame().
void begin_response(Encoder& e, uint32_t correlation_id, ErrorCode error,
                    std::string_view message);
// A whole response frame that carries only an error.
std::vector<std::byte> error_response(uint32_t correlation_id, ErrorCode error,
                                      std::string_view message);

}  // namespace cairn::protocol
