#pragma once

// The encoding half of the codec engine (engine.h): BodyWriter, the Io that writes a message to a
// Writer, or counts its bytes with a SizeCounter.

#include <bit>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "protocol/kafka/body_reader.h"
#include "protocol/kafka/records.h"
#include "protocol/kafka/schema.h"
#include "protocol/kafka/writer.h"
#include "protocol/status.h"

namespace cairn::protocol::kafka::detail {

template <class Sink>
class BodyWriter : public FieldVisitor<BodyWriter<Sink>> {
 public:
  BodyWriter(Sink& sink, Context ctx, Status& status) : sink_(sink), ctx_(ctx), status_(status) {}

  template <class T>
  void field(T& v, const FieldSpec& f) {
    if (f.versions.has(ctx_.version) && !f.tagged()) write(v, f);
  }

  template <class S>
  void write_struct(S& s) {
    s.fields(*this);
    if (!ctx_.flexible) return;
    TagWalker counter(*this, false);
    s.fields(counter);
    sink_.write_uvarint(counter.count());
    TagWalker writer(*this, true);
    s.fields(writer);
  }

  template <class T>
  void write(T& v, const FieldSpec& f) {
    const bool nullable = f.nullable.has(ctx_.version);
    if constexpr (std::is_same_v<T, bool>) {
      sink_.template write_int<uint8_t>(v ? 1 : 0);
    } else if constexpr (std::is_integral_v<T>) {
      sink_.template write_int<T>(v);
    } else if constexpr (std::is_same_v<T, double>) {
      sink_.template write_int<uint64_t>(std::bit_cast<uint64_t>(v));
    } else if constexpr (std::is_same_v<T, Uuid>) {
      sink_.write_uuid(v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      write_span(f, true, as_bytes(v));
    } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
      if (v) write_span(f, true, as_bytes(*v)); else write_null(f, true, nullable);
    } else if constexpr (std::is_same_v<T, BytesView>) {
      write_span(f, false, v.bytes);
    } else if constexpr (std::is_same_v<T, std::optional<BytesView>>) {
      if (v) write_span(f, false, v->bytes); else write_null(f, false, nullable);
    } else if constexpr (std::is_same_v<T, Records>) {
      if (v.is_null()) {
        write_null(f, false, nullable);
      } else if (write_length(f, false, v.size())) {
        v.write_to(sink_);
      }
    } else if constexpr (kIsVector<T>) {
      write_array(v, f);
    } else if constexpr (kIsOptionalVector<T>) {
      if (v) write_array(*v, f); else write_null(f, false, nullable);
    } else if constexpr (Struct<T>) {
      write_struct(v);
    } else {
      static_assert(kUnsupported<T>, "this member type has no Kafka encoding");
    }
  }

  // Whether a tagged field holds its default, and so is left out.
  template <class T>
  static bool is_default(const T& v, const FieldSpec& f) {
    if constexpr (std::is_integral_v<T>) {
      return static_cast<int64_t>(v) == f.tag_default;
    } else if constexpr (std::is_same_v<T, Uuid>) {
      return v.is_zero();
    } else if constexpr (std::is_same_v<T, Records>) {
      return v.is_null();
    } else if constexpr (kIsOptional<T>) {
      return !v.has_value();
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, BytesView> ||
                         kIsVector<T>) {
      return v.empty();
    } else {
      return v == T{};
    }
  }

 private:
  // Writes a length; false (and a failed status) when it does not fit its field.
  bool write_length(const FieldSpec& f, bool is_string, uint64_t n) {
    const uint64_t max = is_string && !ctx_.flexible ? INT16_MAX : INT32_MAX - 1;
    if (n > max) {
      fail(f, "length " + std::to_string(n) + " does not fit");
      return false;
    }
    if (ctx_.flexible) {
      sink_.write_uvarint(static_cast<uint32_t>(n + 1));
    } else if (is_string) {
      sink_.template write_int<int16_t>(static_cast<int16_t>(n));
    } else {
      sink_.template write_int<int32_t>(static_cast<int32_t>(n));
    }
    return true;
  }

  void write_span(const FieldSpec& f, bool is_string, Bytes b) {
    if (write_length(f, is_string, b.size())) sink_.write_bytes(b);
  }

  void write_null(const FieldSpec& f, bool is_string, bool nullable) {
    if (!nullable) {
      fail(f, "null at version " + std::to_string(ctx_.version) + ", where it is not nullable");
      return;
    }
    if (ctx_.flexible) {
      sink_.write_uvarint(0);
    } else if (is_string) {
      sink_.template write_int<int16_t>(-1);
    } else {
      sink_.template write_int<int32_t>(-1);
    }
  }

  template <class E>
  void write_array(std::vector<E>& v, const FieldSpec& f) {
    if (!write_length(f, false, v.size())) return;
    for (E& e : v) {
      if constexpr (Struct<E>) {
        write_struct(e);
      } else {
        write(e, FieldSpec{f.name, Versions{}});
      }
    }
  }

  void fail(const FieldSpec& f, const std::string& why) {
    if (status_.is_ok()) status_ = Status::invalid_argument(std::string(f.name) + ": " + why);
  }

  // Counts (write = false) or writes (write = true) the tagged fields that differ from their
  // defaults, in field-list order (ascending tags).
  class TagWalker : public FieldVisitor<TagWalker> {
   public:
    TagWalker(BodyWriter& body, bool write) : body_(body), write_(write) {}
    template <class T>
    void field(T& v, const FieldSpec& f) {
      if (!f.tagged() || !f.versions.has(body_.ctx_.version) || is_default(v, f)) return;
      ++count_;
      if (!write_) return;
      SizeCounter counter;
      Status ignored;
      BodyWriter<SizeCounter>(counter, body_.ctx_, ignored).write(v, f);
      body_.sink_.write_uvarint(static_cast<uint32_t>(f.tag));
      body_.sink_.write_uvarint(static_cast<uint32_t>(counter.size()));
      body_.write(v, f);
    }
    uint32_t count() const { return count_; }

   private:
    BodyWriter& body_;
    bool write_;
    uint32_t count_ = 0;
  };

  Sink& sink_;
  Context ctx_;
  Status& status_;
};

}  // namespace cairn::protocol::kafka::detail
