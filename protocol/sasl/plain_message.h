#pragma once

// The SASL PLAIN message (RFC 4616): [authzid] NUL authcid NUL passwd, each part without NUL,
// the user name and password 1 to 255 bytes. Sending it gives the server the password itself,
// so a Cairn broker takes it only over TLS and only when PLAIN is enabled.

#include <optional>
#include <string>
#include <string_view>

#include "protocol/status.h"

namespace cairn::protocol::sasl {

struct PlainMessage {
  std::optional<std::string> authzid;  // absent when empty
  std::string username;
  std::string password;
};

// kInvalidArgument naming what is wrong (never quoting the password).
Result<PlainMessage> parse_plain_message(std::string_view text);
std::string format_plain_message(std::string_view username, std::string_view password);

}  // namespace cairn::protocol::sasl
