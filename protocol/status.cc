#include "protocol/status.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace cairn {

std::string_view code_name(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "ok";
    case Status::Code::kNotFound: return "not found";
    case Status::Code::kCorruption: return "corruption";
    case Status::Code::kInvalidArgument: return "invalid argument";
    case Status::Code::kIoError: return "I/O error";
    case Status::Code::kNoSpace: return "no space left on device";
    case Status::Code::kTimedOut: return "timed out";
    case Status::Code::kUnavailable: return "unavailable";
    case Status::Code::kOutOfRange: return "out of range";
    case Status::Code::kOutOfOrder: return "out of order";
    case Status::Code::kFenced: return "fenced";
  }
  return "unknown";
}

Status Status::from_errno(int err, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += std::strerror(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return no_space(std::move(msg));
    case ENOENT:
      return not_found(std::move(msg));
    case EINVAL:
    case ENAMETOOLONG:
      return invalid_argument(std::move(msg));
    case EMFILE:
    case ENFILE:
    case EAGAIN:
      return unavailable(std::move(msg));
    default:
      return io_error(std::move(msg));
  }
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  std::string out(code_name(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

Status Status::with_context(std::string_view context) const {
  if (is_ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message_;
  return Status(code_, std::move(msg));
}

}  // namespace cairn
