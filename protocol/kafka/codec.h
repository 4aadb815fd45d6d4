#pragma once

// The generic Kafka codec: one reader and one writer serve every message table (schema.h) at
// every version, flexible or not, encode, decode and size alike.
//
// Encodings by version: non-flexible versions use int16-length strings, int32-length bytes and
// records, int32-count arrays, with -1 for null. Flexible versions use compact forms (an
// unsigned varint of length + 1 or count + 1, 0 for null) and end every struct with a
// tagged-field section: an unsigned varint count, then per field an unsigned varint tag, an
// unsigned varint size and the field's bytes, in ascending tag order.
//
// Unknown tagged fields are skipped on decode and dropped: a decoded message holds only fields
// in its table, and re-encoding it writes only those. (Cairn terminates requests rather than
// forwarding them, so there is nobody to preserve unknown fields for.)
//
// Decoded strings are copies; BytesView and Records fields are views into `body`, which must
// outlive the message. Every instantiated message is listed in messages/*.cc.

#include <cstddef>
#include <cstdint>

#include "protocol/kafka/header.h"
#include "protocol/kafka/records.h"
#include "protocol/kafka/schema.h"
#include "protocol/kafka/writer.h"
#include "protocol/status.h"

namespace cairn::protocol::kafka {

// Decodes a whole body of message M at `version`. Fails (kInvalidArgument, naming the field and
// byte offset, counted from `base_offset`) on a version outside M's API range, truncation, a
// bad length or count, null in a field not nullable at `version`, or bytes left over.
template <class M>
Result<M> decode(Bytes body, int16_t version, size_t base_offset = 0);

// Appends the body of `message` at `version` to `out`. Fields absent at `version` are not
// written. Fails (kInvalidArgument) on a version outside M's range, null in a field not
// nullable at `version`, or a string too long for its length field; `out` then holds a partial
// body and must be discarded.
template <class M>
Status encode(const M& message, int16_t version, Writer& out);

// The bytes encode() would produce, external bytes included.
template <class M>
uint64_t encoded_size(const M& message, int16_t version);

// A whole response frame: size, response header (version by the API table), body. On failure
// `out` holds a partial frame, to be discarded.
template <class M>
Status encode_response_frame(const M& message, int16_t version, int32_t correlation_id,
                             Writer& out) {
  out.begin_frame();
  write_response_header(out, correlation_id, response_header_version(M::kApi, version));
  Status status = encode(message, version, out);
  out.end_frame();
  return status;
}

// A whole request frame: size, request header (version by the API table), body. On failure
// `out` holds a partial frame, to be discarded.
template <class M>
Status encode_request_frame(const M& message, const RequestHeader& header, Writer& out) {
  out.begin_frame();
  write_request_header(out, header, request_header_version(M::kApi, header.api_version));
  Status status = encode(message, header.api_version, out);
  out.end_frame();
  return status;
}

}  // namespace cairn::protocol::kafka
