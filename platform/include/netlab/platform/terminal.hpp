// Terminal facts: is a stream a terminal, how wide, and may we colour it.
#pragma once

#include <optional>
#include <string_view>

namespace netlab::platform {

enum class std_stream { out, err };

bool is_terminal(std_stream s);

// Whether stdin is a terminal: a person who can press Enter (demux-demo --step waits
// for it only then, never for a pipe or /dev/null).
bool input_is_terminal();

// Columns of the terminal behind the stream; nullopt when it is not a terminal.
std::optional<int> terminal_width(std_stream s);

// Makes ANSI escape sequences work on the stream (Windows needs VT processing switched
// on); false if they cannot.
bool enable_ansi(std_stream s);

enum class color_mode { automatic, always, never };

// The colour policy: `never` and `always` win; `automatic` colours only a terminal and
// only when NO_COLOR is unset or empty (https://no-color.org). `no_color` is the value
// of NO_COLOR (nullptr when unset), passed in so the rule itself is testable.
bool should_color(color_mode mode, bool stream_is_terminal, const char* no_color);

// The same, reading the real stream and environment.
bool should_color(color_mode mode, std_stream s);

}  // namespace netlab::platform
