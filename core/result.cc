#include "core/result.h"

#include "core/utf8.h"

namespace yuimaru {

std::string Error::ToString() const {
  std::string out;
  if (!source.empty()) {
    out += core::EscapePath(source);  // a file name cannot start a line of its own here
    if (line > 0) {
      out += ":" + std::to_string(line);
      if (column > 0) out += ":" + std::to_string(column);
    }
    out += ": ";
  }
  if (!rule.empty()) out += rule + ": ";
  out += message;
  return out;
}

Error MakeError(ErrorCode code, std::string rule, std::string message) {
  Error e;
  e.code = code;
  e.rule = std::move(rule);
  e.message = std::move(message);
  return e;
}

Error ErrorAt(ErrorCode code, std::string rule, std::string message, std::string source, int line,
              int column) {
  Error e = MakeError(code, std::move(rule), std::move(message));
  e.source = std::move(source);
  e.line = line;
  e.column = column;
  return e;
}

}  // namespace yuimaru
