// One target's results as nmap's table shows them: every open port, and each other
// state's ports while there are few; a state with more than fold_above ports is only
// counted ("Not shown: 65,533 closed ports"). Memory stays bounded whatever the scan.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scan/scanner.hpp"

namespace netlab::scan {

inline constexpr std::size_t fold_above = 25;

class host_report {
public:
    void add(const port_result& r);
    std::uint64_t count(port_state s) const { return count_[index(s)]; }
    std::uint64_t total() const { return count_[0] + count_[1] + count_[2]; }

    // The rows to show, ascending by port: the open ports, and those of each other
    // state that is not folded (all are with `open_only`).
    std::vector<port_result> rows(bool open_only) const;
    // The states counted instead of listed, in state order, with their counts.
    std::vector<std::pair<port_state, std::uint64_t>> folded(bool open_only) const;

private:
    static std::size_t index(port_state s) { return static_cast<std::size_t>(s); }
    bool is_folded(port_state s, bool open_only) const;
    std::array<std::vector<port_result>, 3> listed_;
    std::array<std::uint64_t, 3> count_{};
};

// Bytes as readable text (a banner): printable ASCII as is, the rest as \r \n \t \\ or \xNN.
std::string escape_bytes(std::string_view bytes);

}  // namespace netlab::scan
