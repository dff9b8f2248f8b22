// Error values for expected failures: Result<T> (a value or an Error) and Status (no value).
// yuimaru code does not throw; exceptions from libraries are caught at the one call site that can
// raise them and converted to an Error with context. Member names follow std::expected so the
// type can be swapped for it once the toolchain (clang-tidy/clangd 14) can parse <expected>.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace yuimaru {

enum class ErrorCode {
  kInvalidInput,  // bad file, bad query, bad flag value: the caller's input is wrong (HTTP 400)
  kNotFound,      // unknown document id, missing index (HTTP 404)
  kIo,            // the file system or the database failed
  kBusy,          // another writer holds the lock
  kForbidden,     // a request the caller may not make as sent, e.g. a form post without its token
                  // (HTTP 403)
  kInternal,      // a bug or a library failure we did not expect
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string rule;     // stable ASCII id, e.g. "front-matter.industry.unknown"
  std::string message;  // for people; Japanese where an end user reads it
  std::string source;   // file path or "query"; empty when not applicable
  int line = 0;         // 1-based; 0 = unknown
  int column = 0;       // 1-based code point column; 0 = unknown

  // "source:line:col: rule: message", leaving out the parts that are unknown.
  std::string ToString() const;
};

Error MakeError(ErrorCode code, std::string rule, std::string message);
// An error at a place in a file (or "query", "request"): line and column 1-based, 0 = unknown.
Error ErrorAt(ErrorCode code, std::string rule, std::string message, std::string source,
              int line = 0, int column = 0);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design, like std::expected
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT
  static Status Ok() { return Status(); }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

}  // namespace yuimaru
