#pragma once

// Status and Result<T>: how every Cairn module reports an error as a value.
//
// Status is a small closed code plus a human message. An OK status carries no message and
// allocates nothing. Result<T> is shaped like C++23 std::expected<T, Status> so it can be
// replaced by it later: has_value(), value(), error(), operator*, operator->.
//
// The codes are leveldb's kind of vocabulary: what a caller does next, not where the error came
// from. Eight are the general ones (OK through kUnavailable). Three more exist because a caller
// must tell them apart and no general code says it: kOutOfRange (an offset outside the log: a
// consumer resets its position, where a bad argument is a bug), and kOutOfOrder and kFenced, the
// verdicts of idempotence and group membership (a producer or member that must start over, not
// retry, and that the broker's one Status-to-wire mapping answers with their own wire codes). A
// new code needs such a caller; otherwise pick the closest one and say the rest in the message.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cairn {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound,         // a file, topic or partition that does not exist
    kCorruption,       // bytes on disk or on the wire fail a checksum or a structural check
    kInvalidArgument,  // the caller asked for something malformed or out of bounds
    kIoError,          // the operating system reported an I/O error (EIO and friends)
    kNoSpace,          // ENOSPC / EDQUOT: the disk is full
    kTimedOut,
    kUnavailable,      // not now: fenced, offline, closing, over a limit
    kOutOfRange,       // an offset before the log start or past the log end
    kOutOfOrder,       // a sequence number leaves a gap after the last one accepted
    kFenced,           // a newer instance (producer epoch, group generation) superseded the caller
  };

  Status() = default;

  static Status ok() { return Status(); }
  static Status not_found(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status invalid_argument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status io_error(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status no_space(std::string msg) { return Status(Code::kNoSpace, std::move(msg)); }
  static Status timed_out(std::string msg) { return Status(Code::kTimedOut, std::move(msg)); }
  static Status unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status out_of_range(std::string msg) { return Status(Code::kOutOfRange, std::move(msg)); }
  static Status out_of_order(std::string msg) { return Status(Code::kOutOfOrder, std::move(msg)); }
  static Status fenced(std::string msg) { return Status(Code::kFenced, std::move(msg)); }

  // Maps an errno value from a failed system call on `what` to a Status.
  static Status from_errno(int err, std::string_view what);

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  bool is_not_found() const { return code_ == Code::kNotFound; }
  bool is_corruption() const { return code_ == Code::kCorruption; }
  bool is_invalid_argument() const { return code_ == Code::kInvalidArgument; }
  bool is_io_error() const { return code_ == Code::kIoError; }
  bool is_no_space() const { return code_ == Code::kNoSpace; }
  bool is_timed_out() const { return code_ == Code::kTimedOut; }
  bool is_unavailable() const { return code_ == Code::kUnavailable; }
  bool is_out_of_range() const { return code_ == Code::kOutOfRange; }
  bool is_out_of_order() const { return code_ == Code::kOutOfOrder; }
  bool is_fenced() const { return code_ == Code::kFenced; }
  const std::string& message() const { return message_; }

  // "corruption: <message>", or "ok".
  std::string to_string() const;

  // Marks a status as deliberately ignored. Greppable on purpose.
  void ignore_error() const {}

  // Returns a copy whose message is prefixed with `context: `.
  Status with_context(std::string_view context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

std::string_view code_name(Status::Code code);

// Result<T>: either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<1>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : v_(std::in_place_index<0>, std::move(status)) {  // NOLINT
    assert(!std::get<0>(v_).is_ok() && "Result built from an OK status has no value");
  }

  bool has_value() const { return v_.index() == 1; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<1>(v_); }
  const T& value() const& { return std::get<1>(v_); }
  T&& value() && { return std::get<1>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Status& error() const { return std::get<0>(v_); }
  // OK when a value is held, the error otherwise.
  Status status() const { return has_value() ? Status::ok() : error(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace cairn

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define CAIRN_RETURN_IF_ERROR(expr)             \
  do {                                          \
    ::cairn::Status cairn_status_ = (expr);     \
    if (!cairn_status_.is_ok()) return cairn_status_; \
  } while (false)
