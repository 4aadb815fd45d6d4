#pragma once

// Kafka frames and the request and response headers (Kafka protocol guide, "Common Request and
// Response Structure").
//
// A frame is an int32 size (the bytes after it), a header, then the body. Request header v1 is
// api key int16, api version int16, correlation id int32 and a nullable client id with an int16
// length; v2 (flexible requests) adds a tagged-field section; v0 lacks the client id. Response
// header v0 is the correlation id; v1 (flexible responses) adds a tagged-field section, except
// that ApiVersions always answers with v0. The client id keeps its int16 length even in v2, so a
// broker can read the header of any ApiVersions request, even from a newer client.
// Unknown tagged fields in headers are skipped and dropped (no header defines any).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/kafka/api.h"
#include "protocol/kafka/reader.h"
#include "protocol/kafka/writer.h"
#include "protocol/status.h"

namespace cairn::protocol::kafka {

inline constexpr size_t kFrameSizeBytes = 4;

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;  // absent in v0; may be null

  bool operator==(const RequestHeader&) const = default;
};

struct DecodedRequestHeader {
  RequestHeader header;
  const ApiSpec* api = nullptr;  // never null after a successful decode
  int header_version = 1;
  size_t body_offset = 0;  // where the body starts in the decoded bytes
};

// Decodes the request header at the front of `frame` (the bytes after the frame size), with the
// header version the API table gives for its key and version. The version itself is not checked
// against the table: the caller refuses unsupported versions (and answers ApiVersions with
// UNSUPPORTED_VERSION, KIP-511). Errors: truncation (kInvalidArgument), an unknown API key
// (kNotFound; Kafka closes the connection).
Result<DecodedRequestHeader> decode_request_header(Bytes frame);

// Reads a request header of the given version (0, 1 or 2) from `reader`.
RequestHeader read_request_header(Reader& reader, int header_version);
void write_request_header(Writer& writer, const RequestHeader& header, int header_version);

struct ResponseHeader {
  int32_t correlation_id = 0;
  size_t body_offset = 0;
};
// Decodes a response header of the given version (0 or 1) at the front of `frame`.
Result<ResponseHeader> decode_response_header(Bytes frame, int header_version);
void write_response_header(Writer& writer, int32_t correlation_id, int header_version);

}  // namespace cairn::protocol::kafka
