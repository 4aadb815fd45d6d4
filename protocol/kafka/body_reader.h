#pragma once

// The decoding half of the codec engine (engine.h): type traits shared with the writer, the
// smallest encoding of each type (bounds array counts before allocation) and BodyReader, the Io
// that fills a message from a Reader.

#include <algorithm>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "protocol/kafka/reader.h"
#include "protocol/kafka/records.h"
#include "protocol/kafka/schema.h"

namespace cairn::protocol::kafka::detail {

template <class T>
inline constexpr bool kIsOptional = false;
template <class T>
inline constexpr bool kIsOptional<std::optional<T>> = true;
template <class T>
inline constexpr bool kIsVector = false;
template <class T>
inline constexpr bool kIsVector<std::vector<T>> = true;
template <class T>
inline constexpr bool kIsOptionalVector = false;
template <class T>
inline constexpr bool kIsOptionalVector<std::optional<std::vector<T>>> = true;
template <class T>
inline constexpr bool kUnsupported = false;

template <class T>
inline constexpr bool kIsFixed = std::is_integral_v<T> || std::is_same_v<T, double>;

struct Context {
  int16_t version;
  bool flexible;
};

// The fewest bytes a value of each type takes at a version: bounds array counts before
// anything is allocated for them.
class MinSize : public FieldVisitor<MinSize> {
 public:
  explicit MinSize(Context ctx) : ctx_(ctx) {}

  template <class T>
  void field(T& v, const FieldSpec& f) {
    if (f.versions.has(ctx_.version) && !f.tagged()) total_ += of(v);
  }

  template <class T>
  size_t of(T& v) {
    if constexpr (kIsFixed<T>) {
      return sizeof(T);
    } else if constexpr (std::is_same_v<T, Uuid>) {
      return 16;
    } else if constexpr (std::is_same_v<T, std::string> ||
                         std::is_same_v<T, std::optional<std::string>>) {
      return ctx_.flexible ? 1 : 2;
    } else if constexpr (Struct<T>) {
      MinSize inner(ctx_);
      v.fields(inner);
      return inner.total_ + (ctx_.flexible ? 1 : 0);
    } else {
      return ctx_.flexible ? 1 : 4;  // bytes, records, arrays: a length or a count
    }
  }

 private:
  Context ctx_;
  size_t total_ = 0;
};

template <class E>
size_t min_element_size(Context ctx) {
  E e{};
  return std::max<size_t>(1, MinSize(ctx).of(e));
}

class BodyReader : public FieldVisitor<BodyReader> {
 public:
  BodyReader(Reader& r, Context ctx) : r_(r), ctx_(ctx) {}

  int16_t version() const { return ctx_.version; }

  template <class T>
  void field(T& v, const FieldSpec& f) {
    if (f.versions.has(ctx_.version) && !f.tagged() && r_.ok()) read(v, f);
  }

  template <class S>
  void read_struct(S& s) {
    s.fields(*this);
    if (ctx_.flexible) read_tagged_fields(s);
  }

  template <class T>
  void read(T& v, const FieldSpec& f) {
    const bool nullable = f.nullable.has(ctx_.version);
    if constexpr (std::is_same_v<T, bool>) {
      v = r_.read_bool(f.name);
    } else if constexpr (std::is_integral_v<T>) {
      v = r_.read_int<T>(f.name);
    } else if constexpr (std::is_same_v<T, double>) {
      v = r_.read_float64(f.name);
    } else if constexpr (std::is_same_v<T, Uuid>) {
      v = r_.read_uuid(f.name);
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (auto b = read_span(f, true, false)) v.assign(as_string_view(*b));
    } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
      auto b = read_span(f, true, nullable);
      if (b) v.emplace(as_string_view(*b)); else v.reset();
    } else if constexpr (std::is_same_v<T, BytesView>) {
      v.bytes = read_span(f, false, false).value_or(Bytes{});
    } else if constexpr (std::is_same_v<T, std::optional<BytesView>>) {
      auto b = read_span(f, false, nullable);
      if (b) v = BytesView{*b}; else v.reset();
    } else if constexpr (std::is_same_v<T, Records>) {
      auto b = read_span(f, false, nullable);
      v = b ? Records::view(*b) : Records();
    } else if constexpr (kIsVector<T>) {
      read_array(v, f, false);
    } else if constexpr (kIsOptionalVector<T>) {
      v.emplace();
      if (!read_array(*v, f, nullable)) v.reset();
    } else if constexpr (Struct<T>) {
      r_.enter(f.name);
      read_struct(v);
      r_.leave();
    } else {
      static_assert(kUnsupported<T>, "this member type has no Kafka encoding");
    }
  }

 private:
  // A string (int16 length) or bytes (int32 length), as a view; nullopt for null or failure.
  std::optional<Bytes> read_span(const FieldSpec& f, bool is_string, bool nullable) {
    auto len = r_.read_length(f.name, ctx_.flexible, is_string, nullable);
    if (!len) return std::nullopt;
    return r_.take(*len);
  }

  // Returns false for a null array.
  template <class E>
  bool read_array(std::vector<E>& out, const FieldSpec& f, bool nullable) {
    out.clear();
    auto count = r_.read_count(f.name, ctx_.flexible, nullable, min_element_size<E>(ctx_));
    if (!count) return false;
    out.resize(*count);
    for (uint32_t i = 0; i < *count && r_.ok(); ++i) {
      r_.enter(f.name, i);
      if constexpr (Struct<E>) {
        read_struct(out[i]);
      } else {
        read(out[i], FieldSpec{"", Versions{}});
      }
      r_.leave();
    }
    return true;
  }

  // Finds the field with `tag` in the field list and reads it.
  class TagReader : public FieldVisitor<TagReader> {
   public:
    TagReader(BodyReader& body, uint32_t tag) : body_(body), tag_(tag) {}
    template <class T>
    void field(T& v, const FieldSpec& f) {
      if (found_ || !f.tagged() || static_cast<uint32_t>(f.tag) != tag_ ||
          !f.versions.has(body_.version())) {
        return;
      }
      found_ = true;
      body_.read(v, f);
    }
    bool found() const { return found_; }

   private:
    BodyReader& body_;
    uint32_t tag_;
    bool found_ = false;
  };

  template <class S>
  void read_tagged_fields(S& s) {
    uint32_t count = r_.read_uvarint("TaggedFields");
    if (r_.ok() && count > r_.remaining() / 2) {
      r_.fail("TaggedFields", "count " + std::to_string(count) + " cannot fit");
    }
    for (uint32_t i = 0; i < count && r_.ok(); ++i) {
      uint32_t tag = r_.read_uvarint("TaggedFields");
      uint32_t size = r_.read_uvarint("TaggedFields");
      if (r_.ok() && size > r_.remaining()) {
        r_.fail("TaggedFields", "tag " + std::to_string(tag) + " runs past the end");
      }
      if (!r_.ok()) return;
      size_t left_after = r_.remaining() - size;
      TagReader reader(*this, tag);
      s.fields(reader);
      if (!reader.found()) {
        r_.skip("TaggedFields", size);  // unknown: skipped and dropped
      } else if (r_.ok() && r_.remaining() != left_after) {
        r_.fail("TaggedFields", "tag " + std::to_string(tag) + " is " + std::to_string(size) +
                                    " bytes but its value is not");
      }
    }
  }

  Reader& r_;
  Context ctx_;
};

}  // namespace cairn::protocol::kafka::detail
