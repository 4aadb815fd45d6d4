#include "protocol/frame.h"

namespace cairn::protocol {

Result<DecodedRequest> decode_request_header(Bytes frame) {
  Decoder d(frame);
  DecodedRequest out;
  out.header.api_key = d.read<uint16_t>("api key");
  out.header.api_version = d.read<uint16_t>("api version");
  out.header.correlation_id = d.read<uint32_t>("correlation id");
  auto client_len = d.read<uint16_t>("client id");
  if (d.ok() && client_len > frame::kMaxClientIdBytes) d.fail("client id", "longer than 256 bytes");
  if (d.ok() && client_len > d.remaining()) d.fail("client id", "runs past the end");
  if (!d.ok()) return d.status();
  size_t at = d.position();
  out.header.client_id.assign(as_string_view(frame.subspan(at, client_len)));
  out.body_offset = at + client_len;
  return out;
}

Result<DecodedResponse> decode_response(Bytes frame) {
  Decoder d(frame);
  DecodedResponse out;
  out.correlation_id = d.read<uint32_t>("correlation id");
  out.error = static_cast<ErrorCode>(d.read<int16_t>("error code"));
  out.message = d.read_string("error message");
  if (!d.ok()) return d.status();
  out.body = frame.subspan(d.position());
  if (out.error != ErrorCode::kNone && !out.body.empty()) {
    return Status::invalid_argument("error response with a body");
  }
  return out;
}

void begin_response(Encoder& e, uint32_t correlation_id, ErrorCode error,
                    std::string_view message) {
  e.begin_frame();
  e.write<uint32_t>(correlation_id);
  e.write<int16_t>(static_cast<int16_t>(error));
  e.write_message(message);
}

std::vector<std::byte> error_response(uint32_t correlation_id, ErrorCode error,
                                      std::string_view message) {
  std::vector<std::byte> out;
  Encoder e(out);
  begin_response(e, correlation_id, error, message);
  e.end_frame();
  return out;
}

}  // namespace cairn::protocol
