#include "protocol/sasl/scram_messages.h"

#include <charconv>

#include "protocol/text/base64.h"

namespace cairn::protocol::sasl {

using text::base64_decode;
using text::base64_encode;

namespace {

Status malformed(std::string_view message, std::string_view why) {
  return Status::invalid_argument("SCRAM " + std::string(message) + ": " + std::string(why));
}

// The comma-separated fields of `text`, empty ones included.
std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) {
      out.push_back(text.substr(start));
      return out;
    }
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

// "x=value" with the one-letter name `name`.
std::optional<std::string_view> attribute(std::string_view field, char name) {
  if (field.size() < 2 || field[0] != name || field[1] != '=') return std::nullopt;
  return field.substr(2);
}

// RFC 5802's printable: %x21-7E except ','.
bool is_printable(std::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

Status check_nonce(std::string_view message, std::string_view nonce, size_t max) {
  if (nonce.empty()) return malformed(message, "empty nonce");
  if (nonce.size() > max) return malformed(message, "nonce too long");
  if (!is_printable(nonce)) return malformed(message, "nonce with a character outside %x21-7E");
  return Status::ok();
}

// Extensions: "name=value" fields, the name alphanumeric, the value without ','.
Status read_extensions(std::string_view message, std::span<const std::string_view> fields,
                       ScramExtensions& out) {
  for (std::string_view f : fields) {
    size_t eq = f.find('=');
    if (eq == 0 || eq == std::string_view::npos) return malformed(message, "bad attribute");
    std::string_view name = f.substr(0, eq);
    for (char c : name) {
      if (!is_alnum(c)) return malformed(message, "bad attribute name");
    }
    out.emplace_back(std::string(name), std::string(f.substr(eq + 1)));
  }
  return Status::ok();
}

Result<std::vector<std::byte>> read_base64(std::string_view message, std::string_view what,
                                           std::string_view text) {
  auto bytes = base64_decode(text);
  if (!bytes) return malformed(message, std::string(what) + " is not " + bytes.error().message());
  return bytes;
}

Status check_size(std::string_view message, std::string_view text) {
  if (text.size() > kMaxScramMessageBytes) return malformed(message, "too long");
  return Status::ok();
}

}  // namespace

std::string encode_saslname(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::string> decode_saslname(std::string_view text) {
  if (text.empty()) return Status::invalid_argument("empty name");
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\0') return Status::invalid_argument("a name holds a NUL");
    if (c != '=') {
      out += c;
      continue;
    }
    std::string_view escape = text.substr(i, 3);
    if (escape == "=2C") {
      out += ',';
    } else if (escape == "=3D") {
      out += '=';
    } else {
      return Status::invalid_argument("'=' not followed by 2C or 3D in a name");
    }
    i += 2;
  }
  return out;
}

Result<ClientFirstMessage> parse_client_first(std::string_view text) {
  constexpr std::string_view kMsg = "client-first message";
  CAIRN_RETURN_IF_ERROR(check_size(kMsg, text));
  auto fields = split(text);
  if (fields.size() < 4) return malformed(kMsg, "too few attributes");
  ClientFirstMessage m;
  std::string_view cbind = fields[0];
  if (cbind == "n" || cbind == "y") {
    m.cbind_flag = cbind[0];
  } else if (auto name = attribute(cbind, 'p')) {
    if (name->empty()) return malformed(kMsg, "empty channel binding name");
    m.cbind_flag = 'p';
    m.cbind_name = std::string(*name);
  } else {
    return malformed(kMsg, "bad GS2 channel binding flag");
  }
  if (!fields[1].empty()) {
    auto authzid = attribute(fields[1], 'a');
    if (!authzid) return malformed(kMsg, "bad GS2 authorization identity");
    auto decoded = decode_saslname(*authzid);
    if (!decoded) return malformed(kMsg, "authorization identity: " + decoded.error().message());
    m.authzid = std::move(*decoded);
  }
  m.gs2_header = std::string(text.substr(0, fields[0].size() + fields[1].size() + 2));
  m.bare = std::string(text.substr(m.gs2_header.size()));
  size_t next = 2;
  if (attribute(fields[next], 'm')) {
    m.mandatory_extension = true;
    ++next;
  }
  if (fields.size() < next + 2) return malformed(kMsg, "too few attributes");
  auto user = attribute(fields[next], 'n');
  if (!user) return malformed(kMsg, "no user name (n=)");
  auto decoded = decode_saslname(*user);
  if (!decoded) return malformed(kMsg, "user name: " + decoded.error().message());
  if (decoded->size() > kMaxUsernameBytes) return malformed(kMsg, "user name too long");
  m.username = std::move(*decoded);
  auto nonce = attribute(fields[next + 1], 'r');
  if (!nonce) return malformed(kMsg, "no nonce (r=)");
  CAIRN_RETURN_IF_ERROR(check_nonce(kMsg, *nonce, kMaxNonceBytes));
  m.nonce = std::string(*nonce);
  CAIRN_RETURN_IF_ERROR(read_extensions(kMsg, std::span(fields).subspan(next + 2), m.extensions));
  return m;
}

Result<ServerFirstMessage> parse_server_first(std::string_view text) {
  constexpr std::string_view kMsg = "server-first message";
  CAIRN_RETURN_IF_ERROR(check_size(kMsg, text));
  auto fields = split(text);
  ServerFirstMessage m;
  size_t next = 0;
  if (attribute(fields[0], 'm')) {
    m.mandatory_extension = true;
    ++next;
  }
  if (fields.size() < next + 3) return malformed(kMsg, "too few attributes");
  auto nonce = attribute(fields[next], 'r');
  if (!nonce) return malformed(kMsg, "no nonce (r=)");
  CAIRN_RETURN_IF_ERROR(check_nonce(kMsg, *nonce, 2 * kMaxNonceBytes));
  m.nonce = std::string(*nonce);
  auto salt_text = attribute(fields[next + 1], 's');
  if (!salt_text) return malformed(kMsg, "no salt (s=)");
  auto salt = read_base64(kMsg, "the salt", *salt_text);
  if (!salt) return salt.error();
  if (salt->empty()) return malformed(kMsg, "empty salt");
  m.salt = std::move(*salt);
  auto count = attribute(fields[next + 2], 'i');
  if (!count) return malformed(kMsg, "no iteration count (i=)");
  const char* end = count->data() + count->size();
  auto [ptr, ec] = std::from_chars(count->data(), end, m.iterations);
  if (count->empty() || (*count)[0] == '0' || ec != std::errc() || ptr != end) {
    return malformed(kMsg, "the iteration count is not a positive 32-bit number");
  }
  CAIRN_RETURN_IF_ERROR(read_extensions(kMsg, std::span(fields).subspan(next + 3), m.extensions));
  return m;
}

Result<ClientFinalMessage> parse_client_final(std::string_view text) {
  constexpr std::string_view kMsg = "client-final message";
  CAIRN_RETURN_IF_ERROR(check_size(kMsg, text));
  auto fields = split(text);
  if (fields.size() < 3) return malformed(kMsg, "too few attributes");
  ClientFinalMessage m;
  auto binding = attribute(fields[0], 'c');
  if (!binding) return malformed(kMsg, "no channel binding (c=)");
  auto decoded = read_base64(kMsg, "the channel binding", *binding);
  if (!decoded) return decoded.error();
  m.channel_binding = std::move(*decoded);
  auto nonce = attribute(fields[1], 'r');
  if (!nonce) return malformed(kMsg, "no nonce (r=)");
  CAIRN_RETURN_IF_ERROR(check_nonce(kMsg, *nonce, 2 * kMaxNonceBytes));
  m.nonce = std::string(*nonce);
  auto proof = attribute(fields.back(), 'p');
  if (!proof) return malformed(kMsg, "the last attribute is not the proof (p=)");
  auto proof_bytes = read_base64(kMsg, "the proof", *proof);
  if (!proof_bytes) return proof_bytes.error();
  if (proof_bytes->empty()) return malformed(kMsg, "empty proof");
  m.proof = std::move(*proof_bytes);
  CAIRN_RETURN_IF_ERROR(
      read_extensions(kMsg, std::span(fields).subspan(2, fields.size() - 3), m.extensions));
  m.without_proof = std::string(text.substr(0, text.size() - fields.back().size() - 1));
  return m;
}

Result<ServerFinalMessage> parse_server_final(std::string_view text) {
  constexpr std::string_view kMsg = "server-final message";
  CAIRN_RETURN_IF_ERROR(check_size(kMsg, text));
  auto fields = split(text);
  ServerFinalMessage m;
  if (auto error = attribute(fields[0], 'e')) {
    if (error->empty()) return malformed(kMsg, "empty error");
    m.error = std::string(*error);
    return m;
  }
  auto verifier = attribute(fields[0], 'v');
  if (!verifier) return malformed(kMsg, "neither a verifier (v=) nor an error (e=)");
  auto signature = read_base64(kMsg, "the verifier", *verifier);
  if (!signature) return signature.error();
  if (signature->empty()) return malformed(kMsg, "empty verifier");
  m.signature = std::move(*signature);
  ScramExtensions ignored;
  CAIRN_RETURN_IF_ERROR(read_extensions(kMsg, std::span(fields).subspan(1), ignored));
  return m;
}

std::string format_client_first(std::string_view username, std::string_view nonce) {
  return "n,,n=" + encode_saslname(username) + ",r=" + std::string(nonce);
}

std::string format_server_first(std::string_view nonce, Bytes salt, uint32_t iterations) {
  return "r=" + std::string(nonce) + ",s=" + base64_encode(salt) +
         ",i=" + std::to_string(iterations);
}

std::string format_client_final_without_proof(std::string_view gs2_header, std::string_view nonce) {
  return "c=" + base64_encode(as_bytes(gs2_header)) + ",r=" + std::string(nonce);
}

std::string format_client_final(std::string_view without_proof, Bytes proof) {
  return std::string(without_proof) + ",p=" + base64_encode(proof);
}

std::string format_server_final(Bytes signature) { return "v=" + base64_encode(signature); }

std::string format_server_error(std::string_view error) { return "e=" + std::string(error); }

}  // namespace cairn::protocol::sasl
