// The request body of -d, read as curl reads it: "@file" is the file's bytes without CR
// and LF, anything else is sent as given, and several -d are joined with '&'.
#pragma once

#include <optional>
#include <span>
#include <string>

namespace netlab::client {

// nullopt with `why` ("cannot read data file 'x': no such file or directory") when a
// file cannot be read.
std::optional<std::string> post_data(std::span<const std::string> args, std::string& why);

}  // namespace netlab::client
