#include "protocol/sasl/plain_message.h"

namespace cairn::protocol::sasl {

namespace {

constexpr size_t kMaxPartBytes = 255;

Status malformed(std::string_view why) {
  return Status::invalid_argument("SASL PLAIN message: " + std::string(why));
}

}  // namespace

Result<PlainMessage> parse_plain_message(std::string_view text) {
  size_t first = text.find('\0');
  if (first == std::string_view::npos) return malformed("no NUL separator");
  size_t second = text.find('\0', first + 1);
  if (second == std::string_view::npos) return malformed("one NUL separator, not two");
  std::string_view authzid = text.substr(0, first);
  std::string_view username = text.substr(first + 1, second - first - 1);
  std::string_view password = text.substr(second + 1);
  if (password.find('\0') != std::string_view::npos) return malformed("more than two NULs");
  if (username.empty() || username.size() > kMaxPartBytes) {
    return malformed("the user name must be 1 to 255 bytes");
  }
  if (password.empty() || password.size() > kMaxPartBytes) {
    return malformed("the password must be 1 to 255 bytes");
  }
  if (authzid.size() > kMaxPartBytes) return malformed("the authorization identity is too long");
  PlainMessage m;
  if (!authzid.empty()) m.authzid = std::string(authzid);
  m.username = std::string(username);
  m.password = std::string(password);
  return m;
}

std::string format_plain_message(std::string_view username, std::string_view password) {
  std::string out;
  out += '\0';
  out += username;
  out += '\0';
  out += password;
  return out;
}

}  // namespace cairn::protocol::sasl
